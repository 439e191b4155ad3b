// Every lifecycle rule of the Supervisor, driven by a fake clock: no process, no signal, no
// sleep. Each case reads as "this happens, then the Supervisor asks for that".
#include "test_supervisor.hpp"

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cerrno>
#include <csignal>

#include "core/supervisor.hpp"

using namespace clawinit;
using namespace clawinit::test;
using namespace std::chrono_literals;

TEST_CASE("start spawns the child and runs it") {
    Harness h;
    auto a = h.send(Start{});
    CHECK(all_of<Spawn>(a).size() == 1);
    CHECK(h.sup.phase() == Phase::starting);
    h.send(Spawned{42});
    CHECK(h.sup.phase() == Phase::running);
    CHECK(h.sup.child_pid() == 42);
}

TEST_CASE("exec failure exits 127 or 126 once the tree is empty, never restarts") {
    for (auto [err, code] :
         {std::pair{ENOENT, 127}, std::pair{EACCES, 126}, std::pair{ENOEXEC, 126}}) {
        Config c;
        c.on_crash = OnCrash::always;
        Harness h(c);
        h.send(Start{});
        auto a = h.send(SpawnFailed{err});
        CHECK_FALSE(has<Spawn>(a));
        CHECK(h.sup.phase() == Phase::finishing);
        auto done = h.send(ChildrenGone{});
        REQUIRE(all_of<Exit>(done).size() == 1);
        CHECK(all_of<Exit>(done)[0].code == code);
    }
}

TEST_CASE("SIGTERM is forwarded to the child's group and starts the grace") {
    Harness h;
    h.start(100);
    auto a = h.send(SignalReceived{SIGTERM});
    auto kills = all_of<Kill>(a);
    REQUIRE(kills.size() == 1);
    CHECK(kills[0].signo == SIGTERM);
    CHECK(kills[0].pid == 100);
    CHECK(kills[0].target == Target::group);
    REQUIRE(all_of<ArmTimer>(a).size() == 1);
    CHECK(all_of<ArmTimer>(a)[0].deadline == h.now + 8s);
    CHECK(h.sup.phase() == Phase::stopping);
    bool announced = false;
    for (const auto& log : all_of<Log>(a))
        announced |= log.message.find("Graceful shutdown initiated") != std::string::npos;
    CHECK(announced);
}

TEST_CASE("graceful stop: child exits 0, leftovers get SIGTERM, exit 0 when none is left") {
    Harness h;
    h.start();
    h.send(SignalReceived{SIGINT});
    h.advance(300ms);
    auto a = h.send(ChildExited{exited(0)});
    auto kills = all_of<Kill>(a);
    REQUIRE(kills.size() == 1);
    CHECK(kills[0].target == Target::descendants);
    CHECK(kills[0].signo == SIGTERM);
    CHECK(h.sup.phase() == Phase::finishing);
    auto done = h.send(ChildrenGone{});
    REQUIRE(has<Exit>(done));
    CHECK(all_of<Exit>(done)[0].code == 0);
    CHECK(h.sup.stats().last_stop_duration == 300ms);
    CHECK_FALSE(h.sup.stats().last_stop_killed);
}

TEST_CASE("a child ignoring SIGTERM is killed when the grace expires") {
    Harness h;
    h.start(7);
    h.send(SignalReceived{SIGTERM});
    h.advance(7999ms);
    CHECK(h.send(TimerFired{}).empty());  // early or stale timers change nothing
    h.advance(1ms);
    auto a = h.send(TimerFired{});
    auto kills = all_of<Kill>(a);
    REQUIRE(kills.size() == 2);
    CHECK(kills[0].signo == SIGKILL);
    CHECK(kills[0].pid == 7);
    CHECK(kills[1].signo == SIGKILL);
    CHECK(kills[1].target == Target::descendants);
    auto after = h.send(ChildExited{killed_by(SIGKILL)});
    CHECK(all_of<Kill>(after).at(0).signo == SIGKILL);  // leftovers: no second grace
    auto done = h.send(ChildrenGone{});
    CHECK(all_of<Exit>(done).at(0).code == 137);
    CHECK(h.sup.stats().last_stop_killed);
}

TEST_CASE("leftovers after a stop share the stop's deadline") {
    Harness h;
    h.start();
    h.send(SignalReceived{SIGTERM});
    h.advance(3s);
    auto a = h.send(ChildExited{exited(0)});
    CHECK(all_of<ArmTimer>(a).at(0).deadline == h.now + 5s);
    h.advance(5s);
    auto k = h.send(TimerFired{});
    CHECK(all_of<Kill>(k).at(0).signo == SIGKILL);
    CHECK(all_of<Kill>(k).at(0).target == Target::descendants);
}

TEST_CASE("a child that ends on its own leaves a full grace to its leftovers") {
    Harness h;
    h.start();
    auto a = h.send(ChildExited{exited(3)});
    CHECK(all_of<Kill>(a).at(0).signo == SIGTERM);
    CHECK(all_of<ArmTimer>(a).at(0).deadline == h.now + 8s);
    auto done = h.send(ChildrenGone{});
    CHECK(all_of<Exit>(done).at(0).code == 3);
}

TEST_CASE("restart signal forwarded, restart exit code respawns at once") {
    Harness h;
    h.start(100);
    auto a = h.send(SignalReceived{SIGUSR1});
    CHECK(all_of<Kill>(a).at(0).signo == SIGUSR1);
    CHECK(h.sup.restart_pending());
    h.advance(200ms);
    auto b = h.send(ChildExited{exited(1)});
    CHECK(all_of<Spawn>(b).size() == 1);
    CHECK_FALSE(has<Kill>(b));  // a restart does not clean up the tree
    CHECK(h.sup.stats().restarts_signal == 1);
    h.send(Spawned{101});
    CHECK(h.sup.child_pid() == 101);
    CHECK(h.sup.phase() == Phase::running);
}

TEST_CASE("a burst of restart signals gives exactly one new child") {
    Harness h;
    h.start(100);
    int forwarded = 0;
    for (int i = 0; i < 50; ++i) forwarded += all_of<Kill>(h.send(SignalReceived{SIGUSR1})).size();
    CHECK(forwarded == 1);  // coalesced while the request is pending
    auto b = h.send(ChildExited{exited(1)});
    CHECK(all_of<Spawn>(b).size() == 1);
    // More signals before the new child is up go nowhere (no child to receive them).
    auto c = h.send(SignalReceived{SIGUSR1});
    CHECK_FALSE(has<Kill>(c));
    CHECK_FALSE(has<Spawn>(c));
    h.send(Spawned{101});
    CHECK(h.sup.stats().restarts_signal == 1);
}

TEST_CASE("restart code after the restart timeout is a crash") {
    Config c;
    c.restart_timeout = 2s;
    Harness h(c);
    h.start();
    auto a = h.send(SignalReceived{SIGUSR1});
    CHECK(all_of<ArmTimer>(a).at(0).deadline == h.now + 2s);
    h.advance(2s);
    h.send(TimerFired{});
    CHECK_FALSE(h.sup.restart_pending());
    h.advance(1s);
    auto b = h.send(ChildExited{exited(1)});
    CHECK_FALSE(has<Spawn>(b));
    CHECK(h.sup.phase() == Phase::finishing);
}

TEST_CASE("restart timeout defaults to the grace") {
    Config c;
    c.grace = 3s;
    Harness h(c);
    h.start();
    auto a = h.send(SignalReceived{SIGUSR1});
    CHECK(all_of<ArmTimer>(a).at(0).deadline == h.now + 3s);
}

TEST_CASE("a non-restart exit code after a restart signal follows the crash policy") {
    Harness h;
    h.start();
    h.send(SignalReceived{SIGUSR1});
    auto b = h.send(ChildExited{exited(0)});
    CHECK_FALSE(has<Spawn>(b));
    CHECK(all_of<Exit>(h.send(ChildrenGone{})).at(0).code == 0);
}

TEST_CASE(
    "configurable restart contract: SIGUSR2 and exit code 0 (OpenClaw 2026.9 external mode)") {
    Config c;
    c.restart_signals = {SIGUSR2};
    c.restart_exit_codes = {0};
    c.restart_timeout = 300s;
    Harness h(c);
    h.start();
    auto a = h.send(SignalReceived{SIGUSR1});  // no longer a restart: forwarded as-is
    CHECK(all_of<Kill>(a).at(0).signo == SIGUSR1);
    CHECK_FALSE(h.sup.restart_pending());
    h.send(SignalReceived{SIGUSR2});
    CHECK(has<Spawn>(h.send(ChildExited{exited(0)})));
}

TEST_CASE("a stop signal during a restart wins") {
    Harness h;
    h.start();
    h.send(SignalReceived{SIGUSR1});
    auto t = h.send(SignalReceived{SIGTERM});
    CHECK(all_of<Kill>(t).at(0).signo == SIGTERM);
    CHECK_FALSE(h.sup.restart_pending());
    auto b = h.send(ChildExited{exited(1)});
    CHECK_FALSE(has<Spawn>(b));
    // The child answered the restart request (exit code 1): that is its clean stop, exit 0.
    CHECK(all_of<Exit>(h.send(ChildrenGone{})).at(0).code == 0);
}

TEST_CASE("restart signals during a stop are not forwarded and never restart") {
    Harness h;
    h.start();
    h.send(SignalReceived{SIGTERM});
    auto a = h.send(SignalReceived{SIGUSR1});
    CHECK_FALSE(has<Kill>(a));
    CHECK_FALSE(has<Spawn>(h.send(ChildExited{exited(1)})));
}

TEST_CASE("a second stop signal is forwarded again without moving the deadline") {
    Harness h;
    h.start();
    h.send(SignalReceived{SIGTERM});
    h.advance(1s);
    auto a = h.send(SignalReceived{SIGINT});
    CHECK(all_of<Kill>(a).at(0).signo == SIGINT);
    CHECK_FALSE(has<ArmTimer>(a));
}

TEST_CASE("on-crash never exits with the child's code") {
    Harness h;
    h.start();
    CHECK_FALSE(has<Spawn>(h.send(ChildExited{exited(42)})));
    CHECK(all_of<Exit>(h.send(ChildrenGone{})).at(0).code == 42);
}

TEST_CASE("a child killed by a signal exits 128+N") {
    Harness h;
    h.start();
    h.send(ChildExited{killed_by(SIGSEGV)});
    CHECK(all_of<Exit>(h.send(ChildrenGone{})).at(0).code == 128 + SIGSEGV);
}

TEST_CASE("on-failure: exit 0 ends, a failure restarts with doubling backoff up to the cap") {
    Config c;
    c.on_crash = OnCrash::on_failure;
    c.backoff = 1s;
    c.backoff_max = 5s;
    c.max_restarts = 100;
    Harness h(c);
    h.start();
    const Duration expected[] = {1s, 2s, 4s, 5s, 5s};
    for (Duration delay : expected) {
        auto a = h.send(ChildExited{exited(2)});
        CHECK_FALSE(has<Spawn>(a));
        CHECK(h.sup.phase() == Phase::backoff);
        REQUIRE(has<ArmTimer>(a));
        CHECK(all_of<ArmTimer>(a)[0].deadline - h.now == delay);
        h.advance(delay);
        CHECK(has<Spawn>(h.send(TimerFired{})));
        h.send(Spawned{200});
    }
    CHECK(h.sup.stats().restarts_crash == 5);
    CHECK_FALSE(has<Spawn>(h.send(ChildExited{exited(0)})));
    CHECK(h.sup.phase() == Phase::finishing);
}

TEST_CASE("always restarts even after exit 0") {
    Config c;
    c.on_crash = OnCrash::always;
    Harness h(c);
    h.start();
    h.send(ChildExited{exited(0)});
    CHECK(h.sup.phase() == Phase::backoff);
}

TEST_CASE("crash budget: past max restarts in the window, give up with the child's code") {
    Config c;
    c.on_crash = OnCrash::always;
    c.max_restarts = 2;
    c.restart_window = 60s;
    c.backoff = 100ms;
    Harness h(c);
    h.start();
    for (int i = 0; i < 2; ++i) {
        h.send(ChildExited{exited(9)});
        h.advance(10s);
        CHECK(has<Spawn>(h.send(TimerFired{})));
        h.send(Spawned{300 + i});
    }
    auto a = h.send(ChildExited{exited(9)});
    CHECK_FALSE(has<Spawn>(a));
    CHECK(h.sup.phase() == Phase::finishing);
    CHECK(h.sup.crash_budget_spent());
    CHECK(all_of<Exit>(h.send(ChildrenGone{})).at(0).code == 9);
}

TEST_CASE("crashes further apart than the window never spend the budget") {
    Config c;
    c.on_crash = OnCrash::always;
    c.max_restarts = 1;
    c.restart_window = 10s;
    Harness h(c);
    h.start();
    for (int i = 0; i < 5; ++i) {
        auto a = h.send(ChildExited{exited(1)});
        REQUIRE(h.sup.phase() == Phase::backoff);
        CHECK(all_of<ArmTimer>(a).at(0).deadline - h.now == 1s);  // a long run resets the backoff
        h.advance(1s);
        h.send(TimerFired{});
        h.send(Spawned{400 + i});
        h.advance(20s);
    }
}

TEST_CASE("a stop during backoff ends without a restart") {
    Config c;
    c.on_crash = OnCrash::on_failure;
    Harness h(c);
    h.start();
    h.send(ChildExited{exited(5)});
    auto a = h.send(SignalReceived{SIGTERM});
    CHECK_FALSE(has<Spawn>(a));
    CHECK(h.sup.phase() == Phase::finishing);
    h.advance(1s);
    CHECK_FALSE(has<Spawn>(h.send(TimerFired{})));
    CHECK(all_of<Exit>(h.send(ChildrenGone{})).at(0).code == 5);
}

TEST_CASE("drain delay: not forwarded until the delay, a second SIGTERM forwards at once") {
    Config c;
    c.drain_delay = 5s;
    Harness h(c);
    h.start(100);
    auto a = h.send(SignalReceived{SIGTERM});
    CHECK_FALSE(has<Kill>(a));
    CHECK(h.sup.phase() == Phase::draining);
    h.advance(5s);
    auto b = h.send(TimerFired{});
    CHECK(all_of<Kill>(b).at(0).signo == SIGTERM);
    CHECK(all_of<ArmTimer>(b).at(0).deadline == h.now + 8s);  // grace counts from the forward

    Harness g(c);
    g.start();
    g.send(SignalReceived{SIGTERM});
    g.advance(1s);
    auto d = g.send(SignalReceived{SIGTERM});
    CHECK(all_of<Kill>(d).at(0).signo == SIGTERM);
    CHECK(g.sup.phase() == Phase::stopping);
}

TEST_CASE("child exiting during the drain finishes the stop") {
    Config c;
    c.drain_delay = 5s;
    Harness h(c);
    h.start();
    h.send(SignalReceived{SIGTERM});
    h.send(ChildExited{exited(0)});
    CHECK(h.sup.phase() == Phase::finishing);
}

TEST_CASE("other signals are forwarded unchanged, real-time ones included") {
    Harness h;
    h.start(55);
    for (int signo :
         {SIGHUP, SIGUSR2, SIGWINCH, SIGALRM, SIGCONT, SIGTSTP, SIGRTMIN, SIGRTMIN + 3, SIGRTMAX}) {
        auto a = h.send(SignalReceived{signo});
        REQUIRE(all_of<Kill>(a).size() == 1);
        CHECK(all_of<Kill>(a)[0].signo == signo);
        CHECK(all_of<Kill>(a)[0].pid == 55);
    }
    CHECK(h.sup.stats().forwarded.at(SIGHUP) == 1);
}

TEST_CASE("kill scope child signals the pid, not the group") {
    Config c;
    c.kill_scope = KillScope::child;
    Harness h(c);
    h.start();
    CHECK(all_of<Kill>(h.send(SignalReceived{SIGHUP})).at(0).target == Target::child);
}

TEST_CASE("rewrite translates before forwarding; 0 drops") {
    Config c;
    c.rewrite = {{SIGTERM, SIGQUIT}, {SIGHUP, 0}};
    Harness h(c);
    h.start();
    CHECK_FALSE(has<Kill>(h.send(SignalReceived{SIGHUP})));
    auto a = h.send(SignalReceived{SIGTERM});
    CHECK(all_of<Kill>(a).at(0).signo == SIGQUIT);
    CHECK(h.sup.phase() == Phase::stopping);  // still a stop: classified before the rewrite
}

TEST_CASE("a signal the shell already sent is counted and logged, never sent twice") {
    Harness h;
    h.start(55);
    auto a = h.send(SignalReceived{SIGUSR2, SIGUSR2, 55});
    CHECK_FALSE(has<Kill>(a));
    CHECK(h.sup.stats().forwarded.at(SIGUSR2) == 1);
    REQUIRE(all_of<Log>(a).size() == 1);
    CHECK(all_of<Log>(a)[0].message == "forwarding SIGUSR2 to pid=55");
    // The child exited before the loop saw the record: the log names the pid it went to.
    h.send(ChildExited{exited(0)});
    auto late = h.send(SignalReceived{SIGHUP, SIGHUP, 55});
    CHECK_FALSE(has<Kill>(late));
    CHECK(all_of<Log>(late).at(0).message == "forwarding SIGHUP to pid=55");
}

TEST_CASE("remap-exit maps the final code") {
    Config c;
    c.remap_exit = {{143, 0}};
    Harness h(c);
    h.start();
    h.send(SignalReceived{SIGTERM});
    h.send(ChildExited{killed_by(SIGTERM)});
    CHECK(all_of<Exit>(h.send(ChildrenGone{})).at(0).code == 0);
}

TEST_CASE("nothing is forwarded while no child runs") {
    Config c;
    c.on_crash = OnCrash::always;
    Harness h(c);
    h.start();
    h.send(ChildExited{exited(1)});
    CHECK_FALSE(has<Kill>(h.send(SignalReceived{SIGHUP})));
}

TEST_CASE("ChildrenGone before the end is ignored; nothing happens after exit") {
    Harness h;
    h.start();
    CHECK(h.send(ChildrenGone{}).empty());
    h.send(ChildExited{exited(0)});
    CHECK(has<Exit>(h.send(ChildrenGone{})));
    CHECK(h.send(SignalReceived{SIGTERM}).empty());
}

TEST_CASE("readiness: without a ready check a running child is ready; a stop ends it at once") {
    Harness h;
    h.send(Start{});
    CHECK_FALSE(h.sup.ready());
    CHECK(std::string(status_name(h.sup.status())) == "starting");
    h.send(Spawned{10});
    CHECK(h.sup.ready());
    CHECK(h.sup.started());
    CHECK(std::string(status_name(h.sup.status())) == "running");
    CHECK_FALSE(reason_text(h.sup));
    h.send(SignalReceived{SIGTERM});
    CHECK_FALSE(h.sup.ready());
    CHECK(std::string(status_name(h.sup.status())) == "stopping");
    CHECK(reason_text(h.sup) == std::string("graceful shutdown"));
    CHECK(h.sup.live());  // still supervising
}

TEST_CASE("readiness with a ready check: not ready until it passes, again after a restart") {
    Config c;
    c.ready_check = "tcp://127.0.0.1:8888";
    Harness h(c);
    h.start(10);
    CHECK_FALSE(h.sup.ready());
    CHECK_FALSE(h.sup.started());
    CHECK(std::string(status_name(h.sup.status())) == "starting");
    h.send(CheckResult{CheckKindOf::ready, true, ""});
    CHECK(h.sup.ready());
    CHECK(h.sup.started());
    h.send(SignalReceived{SIGUSR1});
    CHECK_FALSE(h.sup.ready());  // the child is on its way out
    CHECK(std::string(status_name(h.sup.status())) == "restarting");
    h.send(ChildExited{exited(1)});
    CHECK(std::string(status_name(h.sup.status())) == "restarting");
    h.send(Spawned{11});
    CHECK_FALSE(h.sup.ready());
    CHECK(std::string(status_name(h.sup.status())) == "restarting");
    h.send(CheckResult{CheckKindOf::ready, false, "connection refused"});
    CHECK(reason_text(h.sup) == std::string("ready check failing: connection refused"));
    h.send(CheckResult{CheckKindOf::ready, true, ""});
    CHECK(h.sup.ready());
    CHECK(std::string(status_name(h.sup.status())) == "running");
}

TEST_CASE("draining turns readiness off before anything is forwarded") {
    Config c;
    c.drain_delay = 3s;
    Harness h(c);
    h.start();
    CHECK(h.sup.ready());
    auto a = h.send(SignalReceived{SIGTERM});
    CHECK_FALSE(has<Kill>(a));
    CHECK_FALSE(h.sup.ready());
}

TEST_CASE("liveness: N failed live checks in a row turn /health off; a pass turns it back") {
    Config c;
    c.live_check = "tcp://127.0.0.1:1";
    c.live_failures = 3;
    Harness h(c);
    h.start();
    h.send(CheckResult{CheckKindOf::live, true, ""});  // answered once: failures count from now
    for (int i = 0; i < 2; ++i) h.send(CheckResult{CheckKindOf::live, false, "timeout"});
    CHECK(h.sup.live());
    h.send(CheckResult{CheckKindOf::live, false, "timeout"});
    CHECK_FALSE(h.sup.live());
    CHECK(reason_text(h.sup) == std::string("live check failing: timeout"));
    h.send(CheckResult{CheckKindOf::live, true, ""});
    CHECK(h.sup.live());
}

TEST_CASE("a spent crash budget is not live; backoff is reported") {
    Config c;
    c.on_crash = OnCrash::always;
    c.max_restarts = 1;
    Harness h(c);
    h.start();
    h.send(ChildExited{exited(1)});
    CHECK(std::string(status_name(h.sup.status())) == "backoff");
    CHECK(h.sup.live());
    h.advance(1s);
    h.send(TimerFired{});
    h.send(Spawned{2});
    h.send(ChildExited{exited(1)});
    CHECK_FALSE(h.sup.live());
}

TEST_CASE("a spawn that fails for want of fds, processes or memory is retried like a crash") {
    // Issue 12.3: EMFILE at a restart's spawn once ended PID 1; it is clawinit's shortage, not
    // the command's fault, so it backs off and tries again even with --on-crash never.
    for (int err : {EMFILE, ENFILE, EAGAIN, ENOMEM}) {
        CAPTURE(err);
        Config c;
        c.backoff = 1s;
        c.max_restarts = 2;
        Harness h(c);
        h.start(100);
        h.send(SignalReceived{SIGUSR1});
        REQUIRE(has<Spawn>(h.send(ChildExited{exited(1)})));
        CHECK(h.sup.restarts() == 1);
        auto a = h.send(SpawnFailed{err});
        CHECK_FALSE(has<Exit>(a));
        CHECK(h.sup.phase() == Phase::backoff);
        REQUIRE(all_of<ArmTimer>(a).size() == 1);
        CHECK(all_of<ArmTimer>(a)[0].deadline == h.now + 1s);
        h.advance(1s);
        REQUIRE(has<Spawn>(h.send(TimerFired{})));
        // The delay doubles while the spawns keep failing, and the budget still ends it.
        a = h.send(SpawnFailed{err});
        REQUIRE(all_of<ArmTimer>(a).size() == 1);
        CHECK(all_of<ArmTimer>(a)[0].deadline == h.now + 2s);
        h.advance(2s);
        REQUIRE(has<Spawn>(h.send(TimerFired{})));
        h.send(SpawnFailed{err});
        CHECK(h.sup.phase() == Phase::finishing);
        auto done = h.send(ChildrenGone{});
        REQUIRE(all_of<Exit>(done).size() == 1);
        CHECK(all_of<Exit>(done)[0].code == 126);
    }
}

TEST_CASE("a spawn that succeeds after a transient failure runs as usual") {
    Harness h;
    h.send(Start{});
    h.send(SpawnFailed{EMFILE});
    CHECK(h.sup.phase() == Phase::backoff);
    h.advance(1h);
    REQUIRE(has<Spawn>(h.send(TimerFired{})));
    h.send(Spawned{7});
    CHECK(h.sup.phase() == Phase::running);
    CHECK(h.sup.child_pid() == 7);
    CHECK(h.sup.restarts() == 0);  // the first child, started late: no restart

    // A restart whose spawn had to be retried is one restart (restarts = spawns - 1).
    h.send(SignalReceived{SIGUSR1});
    REQUIRE(has<Spawn>(h.send(ChildExited{exited(1)})));
    h.send(SpawnFailed{EAGAIN});
    h.advance(1h);
    REQUIRE(has<Spawn>(h.send(TimerFired{})));
    h.send(Spawned{8});
    CHECK(h.sup.restarts() == 1);
}

// ---- issue 14: live checks through starts, dropped signals, status, stop details ----------

namespace {

bool logged(const Actions& actions, const std::string& text, LogLevel level = LogLevel::info) {
    for (const auto& log : all_of<Log>(actions))
        if (log.level == level && log.message.find(text) != std::string::npos) return true;
    return false;
}

Config gateway_like() {
    Config c;
    c.ready_check = "http://127.0.0.1:18789/readyz";
    c.live_check = "http://127.0.0.1:18789/healthz";
    c.live_failures = 3;
    c.live_start_period = 60s;
    return c;
}

void fail_live(Harness& h, int times) {
    for (int i = 0; i < times; ++i) {
        h.send(CheckResult{CheckKindOf::live, false, "connect: Connection refused"});
        h.advance(2s);
    }
}

}  // namespace

TEST_CASE("live checks do not count while a child starts, until it is ready") {
    Harness h(gateway_like());
    h.start(10);
    fail_live(h, 10);  // 20 s of a gateway that does not listen yet
    CHECK(h.sup.live());
    CHECK(status_name(h.sup.status()) == "starting");
    h.send(CheckResult{CheckKindOf::ready, true, ""});
    CHECK(status_name(h.sup.status()) == "running");
    fail_live(h, 2);
    CHECK(h.sup.live());
    fail_live(h, 1);  // ready once: now a failure means hung
    CHECK_FALSE(h.sup.live());
    CHECK(reason_text(h.sup) == std::string("live check failing: connect: Connection refused"));
}

TEST_CASE("live checks count after the start period for a child that never gets ready") {
    Harness h(gateway_like());
    h.start(10);
    fail_live(h, 29);  // 58 s
    CHECK(h.sup.live());
    h.advance(2s);  // 60 s after the spawn: the start period is over
    fail_live(h, 2);
    CHECK(h.sup.live());
    fail_live(h, 1);
    CHECK_FALSE(h.sup.live());
}

TEST_CASE("a passed live check arms live checks before readiness (no ready check)") {
    Config c = gateway_like();
    c.ready_check.clear();
    Harness h(c);
    h.start(10);
    fail_live(h, 5);
    CHECK(h.sup.live());
    h.send(CheckResult{CheckKindOf::live, true, ""});
    fail_live(h, 3);
    CHECK_FALSE(h.sup.live());
}

TEST_CASE("/health stays live through an in-place restart, and the new child starts over") {
    Config c = gateway_like();
    c.restart_signals = {SIGUSR2};
    c.restart_exit_codes = {0};
    c.restart_timeout = 300s;
    Harness h(c);
    h.start(10);
    h.send(CheckResult{CheckKindOf::ready, true, ""});
    h.send(SignalReceived{SIGUSR2});
    CHECK(status_name(h.sup.status()) == "restarting");
    fail_live(h, 5);  // the old child closes its port on the way out, as asked
    CHECK(h.sup.live());
    h.send(ChildExited{exited(0)});
    h.send(Spawned{11});
    CHECK(status_name(h.sup.status()) == "restarting");
    fail_live(h, 10);  // the new child is not listening yet
    CHECK(h.sup.live());
    h.send(CheckResult{CheckKindOf::ready, true, ""});
    CHECK(status_name(h.sup.status()) == "running");
    fail_live(h, 3);
    CHECK_FALSE(h.sup.live());
}

TEST_CASE("status and reason per phase come from the Supervisor alone") {
    Config c = gateway_like();
    c.on_crash = OnCrash::on_failure;
    Harness h(c);
    h.send(Start{});
    CHECK(h.sup.status() == Status::starting);
    CHECK(reason_text(h.sup) == std::string("child starting"));
    h.send(Spawned{10});
    CHECK(h.sup.status() == Status::starting);
    CHECK(reason_text(h.sup) == std::string("ready check failing"));
    h.send(CheckResult{CheckKindOf::ready, true, ""});
    CHECK(h.sup.status() == Status::running);
    CHECK_FALSE(reason_text(h.sup));
    h.send(CheckResult{CheckKindOf::ready, false, "HTTP 503"});
    CHECK(h.sup.status() == Status::unready);  // no restart is happening
    CHECK(reason_text(h.sup) == std::string("ready check failing: HTTP 503"));
    h.send(CheckResult{CheckKindOf::ready, true, ""});
    h.send(SignalReceived{SIGUSR1});
    CHECK(h.sup.status() == Status::restarting);
    CHECK(reason_text(h.sup) == std::string("restart requested"));
    h.send(ChildExited{exited(1)});
    h.send(Spawned{11});
    CHECK(h.sup.status() == Status::restarting);
    h.send(CheckResult{CheckKindOf::ready, true, ""});
    CHECK(h.sup.status() == Status::running);
    h.send(ChildExited{exited(2)});
    CHECK(h.sup.status() == Status::backoff);
    CHECK(reason_text(h.sup) == std::string("child crashed, restart pending"));
    h.advance(1s);
    h.send(TimerFired{});
    h.send(Spawned{12});
    CHECK(h.sup.status() == Status::restarting);  // a respawn that is not ready yet
    h.send(SignalReceived{SIGTERM});
    CHECK(h.sup.status() == Status::stopping);
    CHECK(reason_text(h.sup) == std::string("graceful shutdown"));
}

TEST_CASE("dropped signals are counted by signal and reason and logged at info, rate-limited") {
    Config c;
    c.rewrite[SIGUSR1] = 0;
    c.restart_signals = {SIGUSR2};
    Harness h(c);
    h.start(10);
    auto first = h.send(SignalReceived{SIGUSR1});
    CHECK_FALSE(has<Kill>(first));
    CHECK(logged(first, "SIGUSR1 dropped: --rewrite maps it to nothing"));
    for (int i = 0; i < 4; ++i) {
        h.advance(1s);
        CHECK(all_of<Log>(h.send(SignalReceived{SIGUSR1})).empty());
    }
    h.advance(6s);  // 10 s after the first report
    CHECK(logged(h.send(SignalReceived{SIGUSR1}), "(4 more since the last report)"));
    CHECK(h.sup.stats().dropped.at({SIGUSR1, DropReason::rewritten}) == 6);

    h.send(SignalReceived{SIGUSR2});
    CHECK(logged(h.send(SignalReceived{SIGUSR2}), "SIGUSR2 dropped: a restart is already pending"));
    h.send(SignalReceived{SIGTERM});
    CHECK(logged(h.send(SignalReceived{SIGUSR2}), "SIGUSR2 dropped: a stop is under way"));
    CHECK(h.sup.stats().dropped.at({SIGUSR2, DropReason::coalesced}) == 1);
    CHECK(h.sup.stats().dropped.at({SIGUSR2, DropReason::stopping}) == 1);
}

TEST_CASE("signals in the crash backoff are dropped with reason backoff") {
    Config c;
    c.on_crash = OnCrash::always;
    Harness h(c);
    h.start(10);
    h.send(ChildExited{exited(3)});
    REQUIRE(h.sup.phase() == Phase::backoff);
    CHECK(logged(h.send(SignalReceived{SIGUSR1}),
                 "SIGUSR1 dropped: no child during the crash backoff"));
    h.send(SignalReceived{SIGHUP});
    CHECK(h.sup.stats().dropped.at({SIGUSR1, DropReason::backoff}) == 1);
    CHECK(h.sup.stats().dropped.at({SIGHUP, DropReason::backoff}) == 1);
}

TEST_CASE("no drain delay for a child that has not been ready since its spawn") {
    Config c = gateway_like();
    c.drain_delay = 5s;
    Harness h(c);
    h.start(10);
    auto a = h.send(SignalReceived{SIGTERM});
    REQUIRE(all_of<Kill>(a).size() == 1);
    CHECK(all_of<Kill>(a)[0].signo == SIGTERM);
    CHECK(logged(a, "no drain delay"));
    CHECK(h.sup.phase() == Phase::stopping);

    Harness ready(c);
    ready.start(10);
    ready.send(CheckResult{CheckKindOf::ready, true, ""});
    CHECK_FALSE(has<Kill>(ready.send(SignalReceived{SIGTERM})));
    CHECK(ready.sup.phase() == Phase::draining);
}

TEST_CASE("a child that dies of the forwarded stop signal is logged as stopped by it") {
    Harness h;
    h.start(10);
    h.send(SignalReceived{SIGTERM});
    CHECK(logged(h.send(ChildExited{killed_by(SIGTERM)}),
                 "child pid=10 exited with code 143: stopped by SIGTERM (forwarded)"));

    Harness shell;  // a wrapper that reports the death as exit code 143
    shell.start(11);
    shell.send(SignalReceived{SIGTERM});
    CHECK(logged(shell.send(ChildExited{exited(143)}),
                 "stopped by SIGTERM (forwarded; reported as exit code 143)"));

    Harness no_stop;  // a SIGTERM from elsewhere is not ours to explain
    no_stop.start(12);
    const auto a = no_stop.send(ChildExited{killed_by(SIGTERM)});
    CHECK(logged(a, "child pid=12 exited with code 143"));
    CHECK_FALSE(logged(a, "forwarded"));
}

TEST_CASE("a stop that wins a pending restart exits 0 when the child answers the restart") {
    Harness h;  // restart signal SIGUSR1, restart exit code 1
    h.start(10);
    h.send(SignalReceived{SIGUSR1});
    h.send(SignalReceived{SIGTERM});
    const auto a = h.send(ChildExited{exited(1)});
    CHECK(logged(a, "the stop won"));
    CHECK(h.sup.phase() == Phase::finishing);
    const auto done = h.send(ChildrenGone{});
    REQUIRE(all_of<Exit>(done).size() == 1);
    CHECK(all_of<Exit>(done)[0].code == 0);

    Harness plain;  // without a pending restart, exit code 1 during a stop stays 1
    plain.start(10);
    plain.send(SignalReceived{SIGTERM});
    plain.send(ChildExited{exited(1)});
    CHECK(all_of<Exit>(plain.send(ChildrenGone{}))[0].code == 1);

    Harness expired;  // a restart request that had already expired is no excuse either
    expired.start(10);
    expired.send(SignalReceived{SIGUSR1});
    expired.advance(9s);
    expired.send(TimerFired{});
    expired.send(SignalReceived{SIGTERM});
    expired.send(ChildExited{exited(1)});
    CHECK(all_of<Exit>(expired.send(ChildrenGone{}))[0].code == 1);
}
