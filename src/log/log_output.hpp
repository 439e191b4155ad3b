// Where clawinit's log lines go: stderr, written without ever blocking the event loop
// (README "Operating it", Logs). A stalled reader costs lines (held in a bounded buffer, then
// counted and reported when output resumes), never a forward, a reap or a probe answer.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "sys/fd.hpp"

namespace clawinit {

class LogOutput {
public:
    // Lines waiting for a slow reader; past this they are dropped and counted.
    static constexpr std::size_t k_buffer_limit = 64 * 1024;
    // Formats the "N log lines dropped" line written where the gap is, once output resumes.
    using NoticeFormatter = std::function<std::string(std::uint64_t dropped)>;

    // Pipes, FIFOs and terminals are reopened through /proc/self/fd/N with O_NONBLOCK: a
    // private file description, because O_NONBLOCK on the one we share with the child (it
    // inherits our stderr) would make the gateway's own writes fail with EAGAIN. Sockets
    // (journald's stream) are written with send(MSG_DONTWAIT | MSG_NOSIGNAL); regular files
    // with plain write(), which does not wait for a reader.
    explicit LogOutput(int fd, NoticeFormatter notice);

    void write_line(std::string_view line);  // a whole line, '\n' included
    void flush();                            // writes what waits, as far as the fd takes it
    // Flushes for at most `limit`, waiting for the reader in poll(): what is said at exit
    // should come out, but a reader that never reads must not keep PID 1 alive.
    void flush_before_exit(std::chrono::milliseconds limit);

    bool pending() const { return !m_buffer.empty(); }
    // The fd to wait on for writability while pending(); -1: retry on a timer instead (a
    // socket or an fd we share, where the event loop's wait would set O_NONBLOCK on it).
    int wait_fd() const { return m_kind == Kind::reopened ? m_fd : -1; }
    std::uint64_t dropped() const { return m_dropped; }

private:
    enum class Kind { reopened, socket, poll_first, plain, broken };

    ssize_t write_some(const char* data, std::size_t size);
    void drop_buffer();
    void drop_line();

    Kind m_kind{Kind::plain};
    Fd m_private;  // the reopened description, when there is one
    int m_fd{-1};
    NoticeFormatter m_notice;
    std::string m_buffer;
    std::uint64_t m_dropped{0};
    std::uint64_t m_unreported{0};  // dropped since the last notice
};

}  // namespace clawinit
