#include "runtime/fd_count.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>

#include <algorithm>

namespace clawinit {

std::uint64_t fd_soft_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
    return limit.rlim_cur == RLIM_INFINITY ? UINT64_MAX : limit.rlim_cur;
}

std::uint64_t open_descriptor_count(std::uint64_t up_to) {
    if (DIR* dir = ::opendir("/proc/self/fd")) {
        std::uint64_t entries = 0;
        while (const dirent* entry = ::readdir(dir))
            if (entry->d_name[0] != '.') ++entries;
        ::closedir(dir);
        return entries > 0 ? entries - 1 : 0;  // the directory's own descriptor
    }
    // No /proc (a bare chroot): ask each descriptor; bounded, since the limit may be 2^20.
    std::uint64_t open = 0;
    const int last = static_cast<int>(std::min<std::uint64_t>(up_to, 65536));
    for (int fd = 0; fd < last; ++fd)
        if (::fcntl(fd, F_GETFD) != -1) ++open;
    return open;
}

}  // namespace clawinit
