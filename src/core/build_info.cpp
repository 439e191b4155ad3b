#include "core/build_info.hpp"

namespace clawinit {

// Only this file gets CLAWINIT_COMMIT (CMakeLists.txt), so a new commit recompiles it alone.
#ifndef CLAWINIT_VERSION
#define CLAWINIT_VERSION "unknown"  // built outside CMake (fuzz/run.sh)
#endif
#ifndef CLAWINIT_COMMIT
#define CLAWINIT_COMMIT "unknown"  // built outside CMake (fuzz/run.sh)
#endif

// As the compiler targets it (release binaries are cross-built).
#if defined(__x86_64__)
constexpr std::string_view k_arch = "amd64";
#elif defined(__aarch64__)
constexpr std::string_view k_arch = "arm64";
#else
constexpr std::string_view k_arch = "unknown-arch";
#endif

const BuildInfo& build_info() {
    static constexpr BuildInfo k_info{CLAWINIT_VERSION, CLAWINIT_COMMIT, k_arch};
    return k_info;
}

}  // namespace clawinit
