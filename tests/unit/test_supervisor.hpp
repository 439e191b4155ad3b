// The Supervisor test harness: a Supervisor with a running child and a clock the test moves
// by hand, and helpers to pick actions out of what it returns. Shared by test_supervisor*.cpp.
#pragma once

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "core/supervisor.hpp"

namespace clawinit::test {

using namespace std::chrono_literals;

// The wait status of exit(code), and of death by a signal.
inline int exited(int code) {
    return (code & 0xff) << 8;
}
inline int killed_by(int signo) {
    return signo & 0x7f;
}

template <typename A>
std::vector<A> all_of(const Actions& actions) {
    std::vector<A> found;
    for (const auto& action : actions)
        if (auto* a = std::get_if<A>(&action)) found.push_back(*a);
    return found;
}

template <typename A>
bool has(const Actions& actions) {
    return !all_of<A>(actions).empty();
}

// The reason as /status prints it ("ready check failing: HTTP 503"), nullopt for none.
inline std::optional<std::string> reason_text(const Supervisor& sup) {
    const std::optional<Reason> reason = sup.reason();
    return reason ? std::optional<std::string>(reason->text()) : std::nullopt;
}

// A Supervisor with a running child and a clock the test moves by hand.
struct Harness {
    explicit Harness(Config c = {}) : config(with_command(std::move(c))), sup(config) {}

    static Config with_command(Config c) {
        if (c.command.empty()) c.command = {"gateway", "--port", "8888"};
        return c;
    }
    Actions send(const Event& event) { return sup.handle(event, now); }
    Actions start(int pid = 100) {
        auto a = send(Start{});
        REQUIRE(has<Spawn>(a));
        return send(Spawned{pid});
    }
    void advance(Duration d) { now += d; }

    Config config;
    Supervisor sup;
    Time now{Time{} + 1000s};
};

}  // namespace clawinit::test
