#include "log/log_output.hpp"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

namespace clawinit {

namespace {

// A blocking write of at most this much into a pipe that poll() calls writable fits into the
// free pipe buffer without waiting.
constexpr std::size_t k_pipe_chunk = PIPE_BUF;

}  // namespace

LogOutput::LogOutput(int fd, NoticeFormatter notice) : m_fd(fd), m_notice(std::move(notice)) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        m_kind = Kind::broken;  // stderr closed: every line is dropped (and counted)
        return;
    }
    if (S_ISSOCK(st.st_mode)) {
        m_kind = Kind::socket;
    } else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
        // O_NOCTTY: as PID 1 without a controlling terminal, opening a tty would acquire it.
        const std::string path = "/proc/self/fd/" + std::to_string(fd);
        m_private.reset(::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
        if (m_private) {
            m_kind = Kind::reopened;
            m_fd = m_private.get();
        } else {
            // No /proc, or a pipe whose reader is already gone (ENXIO): look before writing.
            m_kind = Kind::poll_first;
        }
    }
}

ssize_t LogOutput::write_some(const char* data, std::size_t size) {
    switch (m_kind) {
        case Kind::socket:
            return ::send(m_fd, data, size, MSG_DONTWAIT | MSG_NOSIGNAL);
        case Kind::poll_first: {
            pollfd p{m_fd, POLLOUT, 0};
            const int ready = ::poll(&p, 1, 0);
            if (ready < 0) return -1;
            if (ready == 0 || !(p.revents & (POLLOUT | POLLERR | POLLHUP))) {
                errno = EAGAIN;
                return -1;
            }
            return ::write(m_fd, data, std::min(size, k_pipe_chunk));
        }
        default:
            return ::write(m_fd, data, size);
    }
}

void LogOutput::write_line(std::string_view line) {
    if (m_kind == Kind::broken) {
        drop_line();
        return;
    }
    std::string notice;
    if (m_unreported > 0 && m_notice) notice = m_notice(m_unreported);
    if (m_buffer.size() + notice.size() + line.size() > k_buffer_limit) {
        drop_line();
        flush();
        return;
    }
    if (!notice.empty()) {
        m_buffer += notice;
        m_unreported = 0;
    }
    m_buffer += line;
    flush();
}

void LogOutput::flush() {
    for (;;) {
        if (m_buffer.empty() && m_unreported > 0 && m_notice && m_kind != Kind::broken) {
            // Output has resumed and everything that waited is out: say what was lost now,
            // not only with the next line (which may be a long time coming).
            m_buffer = m_notice(m_unreported);
            m_unreported = 0;
        }
        if (m_buffer.empty() || m_kind == Kind::broken) return;
        const ssize_t n = write_some(m_buffer.data(), m_buffer.size());
        if (n > 0) {
            m_buffer.erase(0, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // later, when writable
        if (n < 0 && (errno == EFBIG || errno == ENOSPC || errno == EDQUOT)) {
            // A full disk or `ulimit -f` (and the kernel's SIGXFSZ, which the runtime does not
            // forward): these lines are lost, later ones may fit.
            drop_buffer();
            return;
        }
        // EPIPE (the reader is gone: the kernel's SIGPIPE is not forwarded either), EBADF,
        // EIO: nothing will ever come through; count lines instead of writing them.
        drop_buffer();
        m_kind = Kind::broken;
        return;
    }
}

void LogOutput::flush_before_exit(std::chrono::milliseconds limit) {
    const auto give_up = std::chrono::steady_clock::now() + limit;
    flush();
    while (pending()) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            give_up - std::chrono::steady_clock::now());
        if (left.count() <= 0) return;
        pollfd p{m_fd, POLLOUT, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) < 0 && errno != EINTR) return;
        flush();
    }
}

void LogOutput::drop_line() {
    ++m_dropped;
    ++m_unreported;
}

void LogOutput::drop_buffer() {
    const auto lines =
        static_cast<std::uint64_t>(std::count(m_buffer.begin(), m_buffer.end(), '\n'));
    m_dropped += lines;
    m_unreported += lines;
    m_buffer.clear();
}

}  // namespace clawinit
