// The log writer on real pipes: a reader that stalls or goes away costs lines, never a wait.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "log/log_output.hpp"

using namespace clawinit;

namespace {

struct Pipe {
    Pipe() { REQUIRE(::pipe(fds) == 0); }
    ~Pipe() {
        for (int fd : fds)
            if (fd >= 0) ::close(fd);
    }
    std::string drain() {
        std::string text;
        const int flags = ::fcntl(fds[0], F_GETFL);
        ::fcntl(fds[0], F_SETFL, flags | O_NONBLOCK);
        char buf[65536];
        ssize_t n;
        while ((n = ::read(fds[0], buf, sizeof buf)) > 0)
            text.append(buf, static_cast<std::size_t>(n));
        ::fcntl(fds[0], F_SETFL, flags);
        return text;
    }
    int fds[2]{-1, -1};
};

std::string notice(std::uint64_t n) {
    return "dropped " + std::to_string(n) + "\n";
}

const std::string k_line = std::string(99, 'x') + "\n";

}  // namespace

TEST_CASE("a pipe nobody reads: lines wait in a bounded buffer, the rest is counted") {
    Pipe pipe;
    LogOutput out(pipe.fds[1], notice);
    // 64 KiB fill the pipe, 64 KiB more the buffer; a blocking write would hang right here.
    for (int i = 0; i < 2000; ++i) out.write_line(k_line);
    CHECK(out.pending());
    CHECK(out.wait_fd() >= 0);
    CHECK(out.wait_fd() != pipe.fds[1]);                       // a private description...
    CHECK((::fcntl(pipe.fds[1], F_GETFL) & O_NONBLOCK) == 0);  // ...the child's stays blocking
    const std::uint64_t dropped = out.dropped();
    CHECK(dropped > 0);
    CHECK(dropped < 2000);

    // The reader comes back: what waited comes out, then the gap is reported.
    std::string seen = pipe.drain();
    out.flush();
    seen += pipe.drain();
    CHECK_FALSE(out.pending());
    const std::string notice_line = "dropped " + std::to_string(dropped) + "\n";
    REQUIRE(seen.size() > notice_line.size());
    CHECK(seen.substr(seen.size() - notice_line.size()) == notice_line);
    CHECK(seen.find("dropped") == seen.size() - notice_line.size());
    out.write_line("after\n");
    CHECK(pipe.drain() == "after\n");
    CHECK(out.dropped() == dropped);
}

TEST_CASE("a closed pipe: lines are counted, not written, and nothing waits") {
    sigset_t pipe_only, old;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    REQUIRE(::sigprocmask(SIG_BLOCK, &pipe_only, &old) == 0);  // as in clawinit
    {
        Pipe pipe;
        ::close(pipe.fds[0]);
        pipe.fds[0] = -1;
        LogOutput out(pipe.fds[1], notice);
        out.write_line(k_line);
        out.write_line(k_line);
        CHECK_FALSE(out.pending());
        CHECK(out.dropped() == 2);
    }
    const timespec none{0, 0};
    while (::sigtimedwait(&pipe_only, nullptr, &none) > 0) {
    }
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
}

TEST_CASE("a closed descriptor: every line is counted") {
    LogOutput out(987654, notice);
    out.write_line(k_line);
    CHECK(out.dropped() == 1);
    CHECK_FALSE(out.pending());
}
