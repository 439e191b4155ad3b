#include "sys/directories.hpp"

#include <sys/stat.h>

#include <cerrno>

namespace clawinit {

bool make_directories(const std::string& path) {
    // Each prefix ending before a '/', then the whole path: "a/b/c" makes a, a/b, a/b/c.
    for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
        const std::string prefix = path.substr(0, slash);
        if (!prefix.empty() && ::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) return false;
        if (slash == std::string::npos) break;
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return false;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return false;
    }
    return true;
}

}  // namespace clawinit
