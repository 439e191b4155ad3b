#include <doctest/doctest.h>
#include <signal.h>

#include "runtime/lifecycle_watch.hpp"

using namespace clawinit;
using namespace std::chrono_literals;

namespace {

const Time t0{};

struct Watched {
    LifecycleWatch watch;
    SupervisorView view{Phase::running, false, true, 0};  // a ready child, no restart yet

    // One handled event: the phase before, then the Supervisor's views after it.
    void step(const Event& event, Phase before, const SupervisorView& after, Duration at,
              const Actions& actions = {}) {
        watch.observe(event, before, actions, after, t0 + at);
        view = after;
    }
};

}  // namespace

TEST_CASE("lifecycle watch: nothing measured before a restart") {
    LifecycleWatch watch;
    CHECK_FALSE(watch.last_restart_to_ready_seconds());
    CHECK(watch.kills_after_grace() == 0);
}

TEST_CASE("lifecycle watch: a requested restart, from the request to ready again") {
    Watched w;
    // The request (restart pending, not ready), the exit, the new child, its ready check.
    w.step(SignalReceived{SIGUSR1}, Phase::running, {Phase::running, true, false, 0}, 1000ms);
    w.step(ChildExited{256}, Phase::running, {Phase::starting, false, false, 1}, 1500ms);
    w.step(Spawned{42}, Phase::starting, {Phase::running, false, false, 1}, 1600ms);
    CHECK_FALSE(w.watch.last_restart_to_ready_seconds());
    w.step(CheckResult{CheckKindOf::ready, true, "HTTP 200"}, Phase::running,
           {Phase::running, false, true, 1}, 4000ms);
    REQUIRE(w.watch.last_restart_to_ready_seconds());
    CHECK(*w.watch.last_restart_to_ready_seconds() == doctest::Approx(3.0));
}

TEST_CASE("lifecycle watch: an in-place restart (same pid) counts from the request") {
    Watched w;
    w.step(SignalReceived{SIGUSR1}, Phase::running, {Phase::running, true, false, 0}, 0ms);
    w.step(CheckResult{CheckKindOf::ready, false, "HTTP 503"}, Phase::running,
           {Phase::running, true, false, 0}, 500ms);
    // Ready again: the Supervisor ends the request and counts the in-place restart at once.
    w.step(CheckResult{CheckKindOf::ready, true, "HTTP 200"}, Phase::running,
           {Phase::running, false, true, 1}, 2250ms);
    REQUIRE(w.watch.last_restart_to_ready_seconds());
    CHECK(*w.watch.last_restart_to_ready_seconds() == doctest::Approx(2.25));
}

TEST_CASE("lifecycle watch: a crash, through the backoff, to ready again") {
    Watched w;
    w.step(ChildExited{9}, Phase::running, {Phase::backoff, false, false, 0}, 10s);
    w.step(TimerFired{}, Phase::backoff, {Phase::starting, false, false, 1}, 11s);
    w.step(Spawned{43}, Phase::starting, {Phase::running, false, false, 1}, 11s);
    // It crashes again before it is ready: the clock keeps running from the first crash.
    w.step(ChildExited{9}, Phase::running, {Phase::backoff, false, false, 1}, 12s);
    w.step(TimerFired{}, Phase::backoff, {Phase::starting, false, false, 2}, 14s);
    w.step(Spawned{44}, Phase::starting, {Phase::running, false, true, 2}, 14s);
    REQUIRE(w.watch.last_restart_to_ready_seconds());
    CHECK(*w.watch.last_restart_to_ready_seconds() == doctest::Approx(4.0));
}

TEST_CASE("lifecycle watch: a request that expires without a restart measures nothing") {
    Watched w;
    w.step(SignalReceived{SIGUSR1}, Phase::running, {Phase::running, true, false, 0}, 0ms);
    w.step(TimerFired{}, Phase::running, {Phase::running, false, true, 0}, 30s);
    CHECK_FALSE(w.watch.last_restart_to_ready_seconds());
    // And the next real restart is measured from its own request.
    w.step(SignalReceived{SIGUSR1}, Phase::running, {Phase::running, true, false, 0}, 40s);
    w.step(ChildExited{256}, Phase::running, {Phase::starting, false, false, 1}, 41s);
    w.step(Spawned{42}, Phase::starting, {Phase::running, false, true, 1}, 42s);
    REQUIRE(w.watch.last_restart_to_ready_seconds());
    CHECK(*w.watch.last_restart_to_ready_seconds() == doctest::Approx(2.0));
}

TEST_CASE("lifecycle watch: a stop cuts a restart short") {
    Watched w;
    w.step(ChildExited{9}, Phase::running, {Phase::backoff, false, false, 0}, 0s);
    w.step(SignalReceived{SIGTERM}, Phase::backoff, {Phase::finishing, false, false, 0}, 1s);
    CHECK_FALSE(w.watch.last_restart_to_ready_seconds());
    // A child that exits for good is no restart either.
    Watched v;
    v.step(ChildExited{0}, Phase::running, {Phase::finishing, false, false, 0}, 0s);
    v.step(ChildrenGone{}, Phase::finishing, {Phase::exited, false, false, 0}, 0s);
    CHECK_FALSE(v.watch.last_restart_to_ready_seconds());
}

TEST_CASE("lifecycle watch: SIGKILL after the grace counts once per stop") {
    Watched w;
    const Actions grace_kill{Kill{SIGKILL, 42, Target::child},
                             Kill{SIGKILL, 0, Target::descendants}};
    // The grace deadline fired while stopping: SIGKILL to the child and the rest, one stop.
    w.step(TimerFired{}, Phase::stopping, {Phase::stopping, false, false, 0}, 20s, grace_kill);
    CHECK(w.watch.kills_after_grace() == 1);
    // Not a grace kill: a forwarded SIGKILL, or a timer outside a stop (the backoff).
    w.step(SignalReceived{SIGKILL}, Phase::running, {Phase::running, false, true, 0}, 0s,
           {Kill{SIGKILL, 42, Target::child}});
    w.step(TimerFired{}, Phase::backoff, {Phase::starting, false, false, 1}, 0s, {Spawn{}});
    w.step(TimerFired{}, Phase::finishing, {Phase::finishing, false, false, 1}, 0s, {});
    CHECK(w.watch.kills_after_grace() == 1);
}
