// Supervisor: the facts of each Log action travel as an event and typed fields (what
// --log-format json writes for a log shipper), not only inside the message.
#include <csignal>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "test_supervisor.hpp"

using namespace clawinit;
using namespace clawinit::test;

namespace {

// The one Log action with this event; fails the test when there is none or more than one.
Log the_log(const Actions& actions, std::string_view event) {
    std::vector<Log> found;
    for (const Log& log : all_of<Log>(actions))
        if (log.event == event) found.push_back(log);
    REQUIRE_MESSAGE(found.size() == 1, "event ", std::string(event));
    return found[0];
}

std::optional<LogField::Value> field(const Log& log, LogKey key) {
    for (const LogField& f : log.fields)
        if (f.key == key) return f.value;
    return std::nullopt;
}

std::int64_t int_field(const Log& log, LogKey key) {
    const auto value = field(log, key);
    REQUIRE(value.has_value());
    REQUIRE(std::holds_alternative<std::int64_t>(*value));
    return std::get<std::int64_t>(*value);
}

std::uint64_t count_field(const Log& log, LogKey key) {
    const auto value = field(log, key);
    REQUIRE(value.has_value());
    REQUIRE(std::holds_alternative<std::uint64_t>(*value));
    return std::get<std::uint64_t>(*value);
}

std::string text_field(const Log& log, LogKey key) {
    const auto value = field(log, key);
    REQUIRE(value.has_value());
    REQUIRE(std::holds_alternative<std::string>(*value));
    return std::get<std::string>(*value);
}

bool bool_field(const Log& log, LogKey key) {
    const auto value = field(log, key);
    REQUIRE(value.has_value());
    REQUIRE(std::holds_alternative<bool>(*value));
    return std::get<bool>(*value);
}

}  // namespace

TEST_CASE("every Log action names its event") {
    Config c;
    c.on_crash = OnCrash::always;
    Harness h(c);
    Actions all = h.start(42);
    auto take = [&](const Actions& a) { all.insert(all.end(), a.begin(), a.end()); };
    take(h.send(SignalReceived{SIGUSR2}));
    take(h.send(ChildExited{exited(3)}));
    h.advance(10s);
    take(h.send(TimerFired{}));
    take(h.send(Spawned{43}));
    take(h.send(SignalReceived{SIGTERM}));
    take(h.send(ChildExited{killed_by(SIGTERM)}));
    take(h.send(ChildrenGone{}));
    REQUIRE(all_of<Log>(all).size() >= 7);
    for (const Log& log : all_of<Log>(all)) CHECK_MESSAGE(!log.event.empty(), log.message);
}

TEST_CASE("spawned carries the pid, the command and whether it is a restart") {
    Harness h;
    const Log first = the_log(h.start(42), "spawned");
    CHECK(first.message == "spawned pid=42 command=\"gateway --port 8888\"");
    CHECK(int_field(first, LogKey::pid) == 42);
    CHECK(text_field(first, LogKey::command) == "gateway --port 8888");
    CHECK_FALSE(bool_field(first, LogKey::restart));
}

TEST_CASE("exited carries the pid, the exit code and the signal that ended it") {
    Harness h;
    h.start(42);
    const Log plain = the_log(h.send(ChildExited{exited(3)}), "exited");
    CHECK(int_field(plain, LogKey::pid) == 42);
    CHECK(int_field(plain, LogKey::exit_code) == 3);
    CHECK_FALSE(field(plain, LogKey::signal).has_value());  // an exit, not a signal

    Harness s;
    s.start(7);
    s.send(SignalReceived{SIGTERM});
    const Log stopped = the_log(s.send(ChildExited{killed_by(SIGTERM)}), "exited");
    CHECK(int_field(stopped, LogKey::pid) == 7);
    CHECK(int_field(stopped, LogKey::exit_code) == 143);
    CHECK(text_field(stopped, LogKey::signal) == "SIGTERM");
    CHECK(text_field(stopped, LogKey::reason) == "stop forwarded");
}

TEST_CASE("forwarded carries the signal as received, as sent, and the pid") {
    Harness h;
    h.start(55);
    const Log log = the_log(h.send(SignalReceived{SIGUSR2}), "forwarded");
    CHECK(text_field(log, LogKey::signal) == "SIGUSR2");
    CHECK(text_field(log, LogKey::sent_as) == "SIGUSR2");
    CHECK(int_field(log, LogKey::pid) == 55);

    Config c;
    c.rewrite[SIGUSR1] = SIGTERM;
    Harness r(c);
    r.start(56);
    const Log rewritten = the_log(r.send(SignalReceived{SIGUSR1}), "forwarded");
    CHECK(text_field(rewritten, LogKey::signal) == "SIGUSR1");
    CHECK(text_field(rewritten, LogKey::sent_as) == "SIGTERM");
}

TEST_CASE("stopping, then stopped with the duration, SIGKILL and the exit code") {
    Harness h;
    h.start(7);
    const Log stopping = the_log(h.send(SignalReceived{SIGINT}), "stopping");
    CHECK(text_field(stopping, LogKey::signal) == "SIGINT");
    h.advance(300ms);
    h.send(ChildExited{exited(0)});
    const Log stopped = the_log(h.send(ChildrenGone{}), "stopped");
    CHECK(stopped.message == "stopped in 300ms; exiting with code 0");
    CHECK(int_field(stopped, LogKey::duration_ms) == 300);
    CHECK_FALSE(bool_field(stopped, LogKey::killed));
    CHECK(int_field(stopped, LogKey::exit_code) == 0);
}

TEST_CASE("crashed carries the exit code, the restart count, the budget and the delay") {
    Config c;
    c.on_crash = OnCrash::always;
    c.max_restarts = 5;
    c.backoff = 100ms;
    Harness h(c);
    h.start(42);
    const Log crashed = the_log(h.send(ChildExited{exited(9)}), "crashed");
    CHECK(int_field(crashed, LogKey::exit_code) == 9);
    CHECK(count_field(crashed, LogKey::restarts) == 1);
    CHECK(int_field(crashed, LogKey::max_restarts) == 5);
    CHECK(int_field(crashed, LogKey::delay_ms) == 100);
    h.advance(1s);
    h.send(TimerFired{});
    const Log respawned = the_log(h.send(Spawned{43}), "spawned");
    CHECK(int_field(respawned, LogKey::pid) == 43);
    CHECK(bool_field(respawned, LogKey::restart));
}
