#include "sys/prefault.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

// Defined by cmake/hot-text.ld around the gathered code; weak, so builds without the script
// link and see null.
extern "C" {
extern const char __clawinit_hot_text_start[] __attribute__((weak));
extern const char __clawinit_hot_text_end[] __attribute__((weak));
}

namespace clawinit {

void prefault_hot_text() {
#ifdef MADV_POPULATE_READ
    const auto start = reinterpret_cast<std::uintptr_t>(&__clawinit_hot_text_start[0]);
    const auto end = reinterpret_cast<std::uintptr_t>(&__clawinit_hot_text_end[0]);
    if (start == 0 || end <= start) return;
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto begin = start & ~(page - 1);
    // Failure (EINVAL before Linux 5.14) changes nothing but speed.
    (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_READ);
#endif
}

}  // namespace clawinit
