// `mkdir -p` for the state directory (a fresh volume's subdirectory), without std::filesystem:
// its directory operations bring the iostream and locale code into the static binary.
#pragma once

#include <string>

namespace clawinit {

// Creates path and its missing parents, mode 0755 less the umask. False (errno set) when one
// cannot be made; an existing directory is success.
bool make_directories(const std::string& path);

}  // namespace clawinit
