// The restart rules a real gateway needs (issue 20): a restart the gateway does in place, death
// by the forwarded restart signal, the readiness debounce, and the container health answer.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <csignal>
#include <string>

#include "core/supervisor.hpp"
#include "test_supervisor.hpp"

using namespace clawinit;
using namespace clawinit::test;
using namespace std::chrono_literals;

namespace {

// OpenClaw 2026.9's shape: SIGUSR2 asks, exit 0 answers, a ready and a live check.
Config openclaw_like() {
    Config c;
    c.restart_signals = {SIGUSR2};
    c.restart_exit_codes = {0};
    c.restart_timeout = 300s;
    c.on_crash = OnCrash::on_failure;
    c.ready_check = "http://127.0.0.1:18789/readyz";
    c.live_check = "http://127.0.0.1:18789/healthz";
    return c;
}

void ready(Harness& h, bool pass, const char* detail = "") {
    h.send(CheckResult{CheckKindOf::ready, pass, detail});
}

}  // namespace

TEST_CASE("in place: the same child going not ready, then ready, completes the restart") {
    Harness h(openclaw_like());
    h.start(10);
    ready(h, true);
    h.send(SignalReceived{SIGUSR2});
    CHECK(h.sup.restart_pending());
    CHECK_FALSE(h.sup.ready());
    ready(h, true);  // still up: the gateway has not begun its restart yet
    CHECK(h.sup.restart_pending());
    ready(h, false, "connect: Connection refused");
    ready(h, false, "HTTP 503");
    CHECK(status_name(h.sup.status()) == "restarting");
    CHECK(h.sup.live());  // live checks wait for it
    h.advance(5s);
    ready(h, true);
    CHECK_FALSE(h.sup.restart_pending());
    CHECK(h.sup.ready());
    CHECK(status_name(h.sup.status()) == "running");
    CHECK(h.sup.child_pid() == 10);
    CHECK(h.sup.stats().restarts_in_place == 1);
    CHECK(h.sup.stats().restarts_signal == 0);
    CHECK(h.sup.restarts() == 1);
    // A second request is a new restart, not "already pending".
    auto again = h.send(SignalReceived{SIGUSR2});
    CHECK(all_of<Kill>(again).size() == 1);
    CHECK(h.sup.restart_pending());
}

TEST_CASE("in place: the completion cancels the restart timer and saves the state") {
    Harness h(openclaw_like());
    h.start(10);
    ready(h, true);
    h.send(SignalReceived{SIGUSR2});
    ready(h, false, "HTTP 503");
    auto a = h.send(CheckResult{CheckKindOf::ready, true, ""});
    CHECK(has<CancelTimer>(a));
    CHECK(has<SaveState>(a));
    // The old deadline firing later changes nothing.
    h.advance(301s);
    auto late = h.send(TimerFired{});
    CHECK(late.empty());
    CHECK(h.sup.ready());
}

TEST_CASE("in place: without a failed ready check the request expires as before") {
    Harness h(openclaw_like());
    h.start(10);
    ready(h, true);
    h.send(SignalReceived{SIGUSR2});
    ready(h, true);
    h.advance(301s);
    h.send(TimerFired{});
    CHECK_FALSE(h.sup.restart_pending());
    CHECK(h.sup.stats().restarts_in_place == 0);
    CHECK(h.sup.ready());
}

TEST_CASE("death by the forwarded restart signal answers the restart: respawn, no crash") {
    for (const int status : {killed_by(SIGUSR2), exited(128 + SIGUSR2)}) {
        Config c = openclaw_like();
        c.max_restarts = 0;  // any crash would spend the budget at once
        Harness h(c);
        h.start(10);
        h.send(SignalReceived{SIGUSR2});
        auto a = h.send(ChildExited{status});
        CHECK(has<Spawn>(a));
        CHECK(h.sup.phase() == Phase::starting);
        CHECK(h.sup.stats().restarts_signal == 1);
        CHECK(h.sup.stats().restarts_crash == 0);
        CHECK_FALSE(h.sup.crash_budget_spent());
    }
}

TEST_CASE("death by the restart signal is a crash when no restart was asked for") {
    Config c = openclaw_like();
    c.max_restarts = 0;
    Harness h(c);
    h.start(10);
    h.send(ChildExited{killed_by(SIGUSR2)});  // someone else's kill -USR2 to the gateway
    CHECK(h.sup.crash_budget_spent());
}

TEST_CASE("death by the restart signal after --rewrite: the signal as forwarded counts") {
    Config c = openclaw_like();
    c.restart_signals = {SIGHUP};
    c.rewrite = {{SIGHUP, SIGUSR2}};
    Harness h(c);
    h.start(10);
    h.send(SignalReceived{SIGHUP});
    auto a = h.send(ChildExited{killed_by(SIGUSR2)});
    CHECK(has<Spawn>(a));
    CHECK(h.sup.stats().restarts_signal == 1);
}

TEST_CASE("readiness debounce: a ready child turns not ready after N failures in a row") {
    Config c = openclaw_like();
    c.ready_failures = 3;
    Harness h(c);
    h.start(10);
    ready(h, false, "connect: Connection refused");
    CHECK_FALSE(h.sup.ready());  // not ready yet: no debounce before the first pass
    ready(h, true);
    CHECK(h.sup.ready());
    ready(h, false, "no answer within 1000ms");
    ready(h, false, "no answer within 1000ms");
    CHECK(h.sup.ready());
    ready(h, true);  // the count starts over
    ready(h, false, "HTTP 503");
    ready(h, false, "HTTP 503");
    CHECK(h.sup.ready());
    ready(h, false, "HTTP 503");
    CHECK_FALSE(h.sup.ready());
    CHECK(h.sup.reason() == std::string("ready check failing: HTTP 503"));
    ready(h, true);
    CHECK(h.sup.ready());
}

TEST_CASE("readiness debounce does not hide an in-place restart") {
    Config c = openclaw_like();
    c.ready_failures = 3;
    Harness h(c);
    h.start(10);
    ready(h, true);
    h.send(SignalReceived{SIGUSR2});
    ready(h, false, "HTTP 503");  // one failure is enough to see the restart begin
    ready(h, true);
    CHECK(h.sup.stats().restarts_in_place == 1);
    CHECK(h.sup.ready());
}

TEST_CASE("healthcheck: healthy while starting and through a requested restart") {
    Harness h(openclaw_like());
    h.start(10);
    CHECK(h.sup.healthy(h.now));  // starting, within the live start period
    ready(h, true);
    CHECK(h.sup.healthy(h.now));
    h.send(SignalReceived{SIGUSR2});
    CHECK(h.sup.healthy(h.now));  // restarting on request, within the restart timeout
    h.send(ChildExited{exited(0)});
    CHECK(h.sup.healthy(h.now));
    h.send(Spawned{11});
    h.advance(30s);
    ready(h, false, "connect: Connection refused");
    CHECK(h.sup.healthy(h.now));  // the new child is on its way
    ready(h, true);
    CHECK(h.sup.healthy(h.now));
}

TEST_CASE("healthcheck: unhealthy on real faults") {
    SUBCASE("a child that never gets ready within the live start period") {
        Harness h(openclaw_like());
        h.start(10);
        h.advance(h.config.live_start_period);
        CHECK(h.sup.unhealthy_reason(h.now) ==
              std::string("not ready 1m after its spawn (live-start-period)"));
    }
    SUBCASE("hung: live checks fail") {
        Harness h(openclaw_like());
        h.start(10);
        ready(h, true);
        for (int i = 0; i < 3; ++i) h.send(CheckResult{CheckKindOf::live, false, "timeout"});
        CHECK(h.sup.unhealthy_reason(h.now) == std::string("hung: live check failing: timeout"));
    }
    SUBCASE("a ready child whose ready check fails") {
        Harness h(openclaw_like());
        h.start(10);
        ready(h, true);
        ready(h, false, "HTTP 503");
        CHECK(h.sup.unhealthy_reason(h.now) == std::string("ready check failing: HTTP 503"));
    }
    SUBCASE("a crash, and a crash loop until a child gets ready") {
        Harness h(openclaw_like());
        h.start(10);
        h.send(ChildExited{exited(1)});
        CHECK(h.sup.unhealthy_reason(h.now) == std::string("child crashed, restart pending"));
        h.advance(1s);
        h.send(TimerFired{});
        h.send(Spawned{11});
        CHECK(h.sup.healthy(h.now));  // one crash: the new child gets its chance
        h.send(ChildExited{exited(1)});
        h.advance(2s);
        h.send(TimerFired{});
        h.send(Spawned{12});
        CHECK(h.sup.unhealthy_reason(h.now) ==
              std::string("crash-looping: 2 crashes in a row, not ready since"));
        ready(h, true);
        CHECK(h.sup.healthy(h.now));
    }
    SUBCASE("the crash budget spent") {
        Config c = openclaw_like();
        c.max_restarts = 0;
        Harness h(c);
        h.start(10);
        h.send(ChildExited{exited(1)});
        CHECK(h.sup.unhealthy_reason(h.now) == std::string("crash budget spent"));
    }
}

TEST_CASE("healthcheck: a stop is not a fault, a child that exited on its own is") {
    Harness h(openclaw_like());
    h.start(10);
    ready(h, true);
    h.send(SignalReceived{SIGTERM});
    CHECK(h.sup.healthy(h.now));
    Harness h2(openclaw_like());
    h2.start(10);
    h2.send(ChildExited{exited(0)});
    CHECK(h2.sup.unhealthy_reason(h2.now) == std::string("child exited"));
}
