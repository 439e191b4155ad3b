#include "sys/regular_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "sys/fd.hpp"

namespace clawinit {
namespace {

const char* kind_of(mode_t mode) {
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a file";
}

}  // namespace

FileText read_regular_file(const std::string& path, std::size_t max_size) {
    // O_NONBLOCK: the open of a FIFO returns at once instead of waiting for a writer; what it
    // is gets decided by fstat on the descriptor, so nothing can be swapped in between.
    const Fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fd) return {{}, std::strerror(errno)};
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return {{}, std::strerror(errno)};
    if (!S_ISREG(st.st_mode)) {
        return {{}, std::string("not a regular file (") + kind_of(st.st_mode) + ")"};
    }
    FileText result;
    std::array<char, 64 * 1024> buffer;
    for (;;) {
        const ssize_t count = ::read(fd.get(), buffer.data(), buffer.size());
        if (count == 0) return result;
        if (count < 0) {
            if (errno == EINTR) continue;
            return {{}, std::strerror(errno)};
        }
        result.text.append(buffer.data(), static_cast<std::size_t>(count));
        if (result.text.size() > max_size) {
            return {{}, "larger than " + std::to_string(max_size) + " bytes", true};
        }
    }
}

}  // namespace clawinit
