#pragma once
// Handing back the page mappings of start-up code (sys: one madvise per segment, no decisions).

#include <cstddef>

namespace clawinit {

// Unmaps every page of clawinit's own read-only segments (code, constants) from this process,
// like the kernel freeing its __init text after boot: parsing the config, the option tables,
// the YAML parser and the first spawn ran once and are not needed again. The file's pages stay in
// the page cache; what runs next maps its page back with a minor fault. Returns the bytes covered.
// A debugger's breakpoints set before this call live in private copies of code pages, which this
// drops: set them after the `start_pages_released` debug line.
std::size_t release_read_only_pages();

}  // namespace clawinit
