#include <doctest/doctest.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstring>
#include <vector>

#include "sys/signals.hpp"

using clawinit::read_signals;

TEST_CASE("a real signalfd: every pending signal read once, then none") {
    sigset_t mask, old;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, SIGUSR2);
    REQUIRE(::pthread_sigmask(SIG_BLOCK, &mask, &old) == 0);
    const int fd = ::signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    REQUIRE(fd >= 0);
    ::raise(SIGUSR1);
    ::raise(SIGUSR2);
    const auto signals = read_signals(fd);
    REQUIRE(signals.size() == 2);
    CHECK(signals[0].signo == SIGUSR1);  // standard signals come lowest number first
    CHECK(signals[1].signo == SIGUSR2);
    CHECK(signals[0].origin.sender_pid == ::getpid());
    CHECK(read_signals(fd).empty());
    ::close(fd);
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
}
