// How clawinit leaves once the child is gone, the state saved, every `stop --wait` answered
// and the log written: _exit, without running destructors.
//
// Why: tearing down the io_context, Beast, spdlog and libstdc++'s locales touches code and
// data that nothing else runs, so the exit took 12 page faults and ~100 µs, a third of
// SIGTERM -> clawinit gone (perf stat and the shutdown bench, docs/benchmarks.md). The kernel
// frees the memory and closes the descriptors in one go. Under ASan the leak check that would
// have run at exit runs here instead, so leaks are still found; valgrind checks for lost
// blocks (still-reachable ones are expected).
#pragma once

namespace clawinit {

[[noreturn]] void leave(int exit_code);

}  // namespace clawinit
