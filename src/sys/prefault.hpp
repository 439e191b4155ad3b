// Maps the code gathered by cmake/hot-text.ld into clawinit's page tables in one call, once
// the first child has been spawned (off the start-up path). Without it, the first signal
// forward, probe answer, restart or stop after start-up each take the page faults of the code
// they run for the first time (~8 µs each on a VM): the stop took 5 of them.
#pragma once

namespace clawinit {

// A no-op in builds without the linker script (dynamic, sanitizers) and on kernels before
// 5.14 (no MADV_POPULATE_READ): the code then simply faults in on first use, as before.
void prefault_hot_text();

}  // namespace clawinit
