#include "state/state_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <memory>
#include <string_view>

#include "sys/fd.hpp"

namespace clawinit {

namespace {

constexpr std::string_view k_file_name = "state.json";
constexpr std::string_view k_temp_prefix = ".state.json.tmp-";
// Far above any real state file; a bigger one was not written by us and is treated as corrupt
// instead of being read whole into PID 1's memory.
constexpr std::size_t k_max_file_size = 1 << 20;

std::string join(const std::string& dir, std::string_view name) {
    if (dir.empty()) return std::string(name);
    return dir + (dir.back() == '/' ? "" : "/") + std::string(name);
}

std::string describe(std::string_view call, const std::string& path, int error) {
    return std::string(call) + " " + path + ": " + std::strerror(error);
}

struct ReadResult {
    std::string text;
    int error{0};  // errno of the failed read, 0 if none
    bool too_big{false};
};

ReadResult read_all(int fd) {
    ReadResult result;
    char buf[8192];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n == 0) return result;
        if (n < 0) {
            if (errno == EINTR) continue;
            result.error = errno;
            return result;
        }
        result.text.append(buf, static_cast<std::size_t>(n));
        if (result.text.size() > k_max_file_size) {
            result.too_big = true;
            return result;
        }
    }
}

// A save killed between open and rename leaves its temp file behind; nothing else will ever
// remove it, and with a new pid every boot (when not PID 1) they would pile up. Best effort:
// a leftover that cannot be removed does no harm.
void remove_stale_temp_files(const std::string& dir) {
    std::unique_ptr<DIR, int (*)(DIR*)> handle(::opendir(dir.empty() ? "." : dir.c_str()),
                                               ::closedir);
    if (!handle) return;
    while (const dirent* entry = ::readdir(handle.get())) {
        if (std::string_view(entry->d_name).starts_with(k_temp_prefix)) {
            ::unlinkat(::dirfd(handle.get()), entry->d_name, 0);
        }
    }
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

// What a non-regular state.json is, for the warning.
std::string file_kind(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory, not a file";
    if (S_ISFIFO(mode)) return "a FIFO, not a file";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device, not a file";
    if (S_ISSOCK(mode)) return "a socket, not a file";
    return "not a regular file";
}

// Keeps the corrupt file for a person to inspect, under a name the next load will not read.
std::string move_aside(const std::string& path, std::string_view why) {
    const std::string base = path + ".corrupt-" + std::to_string(std::time(nullptr));
    std::string target = base;
    for (int n = 1; exists(target) && n < 100; ++n) target = base + "." + std::to_string(n);
    const std::string problem = "state file " + path + " is corrupt (" + std::string(why) + ")";
    if (::rename(path.c_str(), target.c_str()) != 0) {
        return problem + "; " + describe("rename", path + " -> " + target, errno) +
               "; starting from fresh state";
    }
    return problem + "; moved it to " + target + " and starting from fresh state";
}

// Writes, flushes to disk and closes the temp file; the data must be durable before the
// rename makes it the state file, or a power loss could leave an empty state.json.
std::string write_temp(Fd fd, const std::string& temp, std::string_view text) {
    while (!text.empty()) {
        const ssize_t n = ::write(fd.get(), text.data(), text.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return describe("write", temp, errno);
        }
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    if (::fsync(fd.get()) != 0) return describe("fsync", temp, errno);
    if (::close(fd.release()) != 0) return describe("close", temp, errno);
    return {};
}

// The rename is only durable once the directory entry itself is on disk.
std::string sync_directory(const std::string& dir) {
    const std::string path = dir.empty() ? "." : dir;
    Fd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) return describe("open", path, errno);
    if (::fsync(fd.get()) != 0) {
        return describe("fsync", path, errno) +
               " (state.json was replaced but may not survive a power loss)";
    }
    return {};
}

std::string replace_file(const std::string& dir, std::string_view text) {
    const std::string temp = join(dir, std::string(k_temp_prefix) + std::to_string(::getpid()));
    const std::string path = join(dir, k_file_name);
    // O_NOFOLLOW: a symlink planted at the temp name must not redirect the write elsewhere;
    // O_NONBLOCK: a FIFO planted there fails (ENXIO) instead of hanging the loop.
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
                 0644));
    // Nothing was created, so there is nothing to remove (and what is at that path, if
    // anything, is not ours).
    if (!fd) return describe("open", temp, errno);
    std::string error = write_temp(std::move(fd), temp, text);
    if (error.empty() && ::rename(temp.c_str(), path.c_str()) != 0) {
        error = describe("rename", temp + " -> " + path, errno);
    }
    if (!error.empty()) {
        ::unlink(temp.c_str());
        return error;
    }
    return sync_directory(dir);
}

}  // namespace

LoadResult load_state(const std::string& dir) {
    LoadResult result;
    remove_stale_temp_files(dir);
    const std::string path = join(dir, k_file_name);
    // O_NONBLOCK: a FIFO at state.json must not hang the start (an open for reading waits for
    // a writer); O_NOFOLLOW: a save renames over the name, so a symlink there would be read at
    // boot but never written, and its target is nobody's state of ours. Whatever is not a
    // regular file is set aside like a corrupt one.
    Fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) {
        if (errno == ELOOP) return LoadResult{{}, move_aside(path, "a symbolic link")};
        if (errno != ENOENT) {
            result.warning = describe("open", path, errno) + "; starting from fresh state";
        }
        return result;
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        result.warning = describe("fstat", path, errno) + "; starting from fresh state";
        return result;
    }
    if (!S_ISREG(st.st_mode)) {
        fd.reset();
        return LoadResult{{}, move_aside(path, file_kind(st.st_mode))};
    }
    const ReadResult read = read_all(fd.get());
    if (read.error != 0) {
        result.warning = describe("read", path, read.error) + "; starting from fresh state";
        return result;
    }
    if (read.too_big) {
        result.warning =
            move_aside(path, "larger than " + std::to_string(k_max_file_size) + " bytes");
        return result;
    }
    if (auto state = decode_state(read.text)) {
        result.state = std::move(*state);
    } else {
        result.warning = move_aside(path, "not valid state JSON");
    }
    return result;
}

SaveResult save_state(const std::string& dir, const PersistedState& state) {
    const auto start = std::chrono::steady_clock::now();
    SaveResult result;
    result.error = replace_file(dir, encode_state(state));
    result.ok = result.error.empty();
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

}  // namespace clawinit
