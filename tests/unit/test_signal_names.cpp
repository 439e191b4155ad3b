#include <doctest/doctest.h>

#include <csignal>
#include <string>

#include "config/signal_names.hpp"

using clawinit::parse_signal;
using clawinit::signal_name;

namespace {

// glibc keeps the signals between the classic ones and SIGRTMIN for its own threads.
bool reserved_by_libc(int signal) {
    return signal > 31 && signal < SIGRTMIN;
}

}  // namespace

TEST_CASE("every signal 1..SIGRTMAX round-trips name <-> number") {
    for (int signal = 1; signal <= SIGRTMAX; ++signal) {
        const std::string name = signal_name(signal);
        CAPTURE(signal);
        CAPTURE(name);
        if (reserved_by_libc(signal)) {
            CHECK(name == "SIG" + std::to_string(signal));
            CHECK_FALSE(parse_signal(name).has_value());
            continue;
        }
        CHECK(name.starts_with("SIG"));
        CHECK(name != "SIG" + std::to_string(signal));  // every usable signal has a name
        CHECK(parse_signal(name) == signal);
        CHECK(parse_signal(name.substr(3)) == signal);
        CHECK(parse_signal(std::to_string(signal)) == signal);
    }
}

TEST_CASE("parse_signal spellings") {
    CHECK(parse_signal("SIGUSR1") == SIGUSR1);
    CHECK(parse_signal("USR1") == SIGUSR1);
    CHECK(parse_signal("usr1") == SIGUSR1);
    CHECK(parse_signal("SigUsr2") == SIGUSR2);
    CHECK(parse_signal("10") == 10);
    CHECK(parse_signal("SIG15") == SIGTERM);
    CHECK(parse_signal("SIGRTMIN") == SIGRTMIN);
    CHECK(parse_signal("SIGRTMIN+3") == SIGRTMIN + 3);
    CHECK(parse_signal("rtmin+0") == SIGRTMIN);
    CHECK(parse_signal("RTMAX") == SIGRTMAX);
    CHECK(parse_signal("RTMAX-2") == SIGRTMAX - 2);
    CHECK(parse_signal("SIGRTMIN+" + std::to_string(SIGRTMAX - SIGRTMIN)) == SIGRTMAX);
}

TEST_CASE("parse_signal aliases map to the canonical signal") {
    CHECK(parse_signal("IOT") == SIGABRT);
    CHECK(parse_signal("SIGCLD") == SIGCHLD);
    CHECK(parse_signal("POLL") == SIGIO);
    CHECK(signal_name(SIGABRT) == "SIGABRT");
    CHECK(signal_name(SIGCHLD) == "SIGCHLD");
    CHECK(signal_name(SIGIO) == "SIGIO");
}

TEST_CASE("parse_signal rejects what is not a usable signal") {
    const std::string cases[] = {
        "",
        "SIG",
        "0",
        "SIG0",
        "-1",
        "+10",
        "65",
        std::to_string(SIGRTMAX + 1),
        "SIGFOO",
        "USR3",
        "SIGUSR1 ",
        " USR1",
        "RTMIN-1",
        "RTMAX+1",
        "RTMIN+",
        "RTMIN+x",
        "SIGRTMIN+" + std::to_string(SIGRTMAX - SIGRTMIN + 1),
        "RTMAX-" + std::to_string(SIGRTMAX - SIGRTMIN + 1),
        "32",
        "10x",
        "SIGSIGUSR1",
    };
    for (const std::string& text : cases) {
        CAPTURE(text);
        CHECK_FALSE(parse_signal(text).has_value());
    }
}

TEST_CASE("signal_name of real-time and unknown numbers") {
    CHECK(signal_name(SIGUSR1) == "SIGUSR1");
    CHECK(signal_name(SIGRTMIN) == "SIGRTMIN");
    CHECK(signal_name(SIGRTMIN + 3) == "SIGRTMIN+3");
    CHECK(signal_name(SIGRTMAX) == "SIGRTMAX");
    CHECK(signal_name(0) == "SIG0");
    CHECK(signal_name(SIGRTMAX + 1) == "SIG" + std::to_string(SIGRTMAX + 1));
    CHECK(signal_name(-3) == "SIG-3");
}
