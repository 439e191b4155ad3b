// What this binary is: its version, the commit it was built from and the CPU it runs on, for
// `clawinit --version` and /metrics' clawinit_build_info.
#pragma once

#include <string_view>

namespace clawinit {

struct BuildInfo {
    std::string_view version;  // the project version (CMakeLists.txt)
    std::string_view commit;   // short git hash at configure time, "unknown" outside git
    std::string_view arch;     // as Go and the OCI spell it: amd64, arm64
};

const BuildInfo& build_info();

}  // namespace clawinit
