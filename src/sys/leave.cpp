#include "sys/leave.hpp"

#include <unistd.h>

#include <cstdio>

#if defined(__SANITIZE_ADDRESS__)
#define CLAWINIT_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CLAWINIT_LSAN 1
#endif
#endif
#ifdef CLAWINIT_LSAN
#include <sanitizer/lsan_interface.h>
#endif

namespace clawinit {

void leave(int exit_code) {
    std::fflush(nullptr);  // the logger flushes every line; this is for anything on stdout
#ifdef CLAWINIT_LSAN
    __lsan_do_leak_check();  // exits with ASAN_OPTIONS' exitcode on a leak
#endif
    ::_exit(exit_code);
}

}  // namespace clawinit
