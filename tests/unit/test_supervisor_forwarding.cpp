// Where a signal goes and how a Kill is carried out (core/forwarding.hpp), and the Supervisor's
// use of the one table: the shell's fast path and on(SignalReceived) give the same answer.
#include <doctest/doctest.h>

#include <cerrno>
#include <csignal>

#include "core/forwarding.hpp"
#include "core/supervisor.hpp"
#include "test_supervisor.hpp"

using namespace clawinit;
using namespace clawinit::test;

TEST_CASE("forwarding table: plain signals forward, the rest is the Supervisor's or the shell's") {
    Config c;
    c.rewrite = {{SIGHUP, 0}, {SIGWINCH, SIGUSR2}, {SIGTERM, SIGQUIT}};
    c.restart_signals = {SIGUSR1};
    const ForwardingTable table(c);
    for (int signo : {SIGUSR2, SIGALRM, SIGCONT, SIGTSTP, SIGRTMIN, SIGRTMAX}) {
        CHECK(table[signo].kind == SignalKind::forward);
        CHECK(table[signo].send == signo);
        CHECK(table[signo].target == Target::group);  // --kill-scope group, the default
    }
    CHECK(table[SIGWINCH].kind == SignalKind::forward);
    CHECK(table[SIGWINCH].send == SIGUSR2);  // rewritten as the loop would
    CHECK(table[SIGHUP].kind == SignalKind::drop);
    CHECK(table[SIGHUP].send == 0);
    // Classified before the rewrite: a SIGTERM sent as SIGQUIT is still a stop.
    CHECK(table[SIGTERM].kind == SignalKind::stop);
    CHECK(table[SIGTERM].send == SIGQUIT);
    CHECK(table[SIGINT].kind == SignalKind::stop);
    CHECK(table[SIGQUIT].kind == SignalKind::stop);
    CHECK(table[SIGUSR1].kind == SignalKind::restart);
    CHECK(table[SIGUSR1].send == SIGUSR1);
    CHECK(table[SIGCHLD].kind == SignalKind::reap);
    CHECK(table[SIGCHLD].send == 0);
}

TEST_CASE("forwarding table: --kill-scope child aims every route at the pid") {
    Config c;
    c.kill_scope = KillScope::child;
    const ForwardingTable table(c);
    CHECK(table.child_target() == Target::child);
    for (int signo : {SIGHUP, SIGTERM, SIGUSR1, SIGRTMAX})
        CHECK(table[signo].target == Target::child);
    CHECK(ForwardingTable(Config{}).child_target() == Target::group);
}

TEST_CASE("direct kill: a plain forward with a child, in any phase, and nothing else") {
    Config c;
    c.rewrite = {{SIGWINCH, SIGUSR2}, {SIGHUP, 0}};
    Harness h(c);
    CHECK_FALSE(h.sup.direct_kill(SIGUSR2));  // no child yet
    h.start(55);
    const auto kill = h.sup.direct_kill(SIGWINCH);
    REQUIRE(kill);
    CHECK(kill->signo == SIGUSR2);
    CHECK(kill->pid == 55);
    CHECK(kill->target == Target::group);
    for (int signo : {SIGTERM, SIGINT, SIGQUIT, SIGUSR1, SIGCHLD, SIGHUP})
        CHECK_FALSE(h.sup.direct_kill(signo));
    h.send(SignalReceived{SIGTERM});
    REQUIRE(h.sup.phase() == Phase::stopping);
    CHECK(h.sup.direct_kill(SIGUSR2));  // a stop under way still lets plain signals through
    h.send(ChildExited{exited(0)});
    CHECK_FALSE(h.sup.direct_kill(SIGUSR2));  // the child is gone
}

TEST_CASE("a plain signal the shell did not send gets the fast path's kill") {
    Config c;
    c.rewrite = {{SIGWINCH, SIGUSR2}};
    c.kill_scope = KillScope::child;
    Harness h(c);
    h.start(55);
    for (int signo : {SIGWINCH, SIGHUP, SIGRTMIN}) {
        const auto expected = h.sup.direct_kill(signo);
        REQUIRE(expected);
        const auto kills = all_of<Kill>(h.send(SignalReceived{signo}));
        REQUIRE(kills.size() == 1);
        CHECK(kills[0].signo == expected->signo);
        CHECK(kills[0].pid == expected->pid);
        CHECK(kills[0].target == expected->target);
    }
}

TEST_CASE("a rewrite to nothing is dropped as rewritten, or as no child when there is none") {
    Config c;
    c.rewrite = {{SIGHUP, 0}};
    Harness h(c);
    h.send(Start{});
    h.send(SignalReceived{SIGHUP});
    CHECK(h.sup.stats().dropped.at({SIGHUP, DropReason::no_child}) == 1);
    h.send(Spawned{55});
    CHECK_FALSE(has<Kill>(h.send(SignalReceived{SIGHUP})));
    CHECK(h.sup.stats().dropped.at({SIGHUP, DropReason::rewritten}) == 1);
}

TEST_CASE("kill calls: the child or its group by kill(2), descendants by the walk") {
    CHECK(kill_call(Kill{SIGTERM, 7, Target::group}, false) == KillCall::process);
    CHECK(kill_call(Kill{SIGTERM, 7, Target::child}, true) == KillCall::process);
    CHECK(kill_call(Kill{SIGTERM, 0, Target::descendants}, false) == KillCall::walk_descendants);
    // waitpid() said ECHILD and nothing was spawned since: nobody below, no /proc walk.
    CHECK(kill_call(Kill{SIGKILL, 0, Target::descendants}, true) == KillCall::none);
    CHECK(kill_argument(Kill{SIGTERM, 7, Target::group}) == -7);
    CHECK(kill_argument(Kill{SIGTERM, 7, Target::child}) == 7);
}

TEST_CASE("kill fallback: a group that is gone is retried as the pid, nothing else is") {
    const auto retry = kill_fallback(Kill{SIGHUP, 7, Target::group}, ESRCH);
    REQUIRE(retry);
    CHECK(retry->signo == SIGHUP);
    CHECK(retry->pid == 7);
    CHECK(retry->target == Target::child);
    CHECK_FALSE(kill_fallback(*retry, ESRCH));  // the child itself is gone: that was all
    CHECK_FALSE(kill_fallback(Kill{SIGHUP, 7, Target::group}, EPERM));
    // ESRCH means the process exited a moment ago: no warning; anything else is one.
    CHECK_FALSE(kill_failure_is_news(ESRCH));
    CHECK(kill_failure_is_news(EPERM));
}

TEST_CASE("stop reason: the stop signal, the crash budget, or the child's own exit") {
    {
        Harness h;
        h.start();
        CHECK_FALSE(h.sup.stop_reason());
        h.send(SignalReceived{SIGINT});
        CHECK(h.sup.stop_reason() == "SIGINT");  // from the moment the stop begins
        h.send(ChildExited{exited(0)});
        h.send(ChildrenGone{});
        CHECK(h.sup.stop_reason() == "SIGINT");
    }
    {
        Harness h;
        h.start();
        h.send(ChildExited{exited(3)});
        CHECK_FALSE(h.sup.stop_reason());  // finishing, not yet exited
        h.send(ChildrenGone{});
        CHECK(h.sup.stop_reason() == "child exited");
    }
    {
        Config c;
        c.on_crash = OnCrash::always;
        c.max_restarts = 0;
        Harness h(c);
        h.start();
        h.send(ChildExited{exited(3)});
        h.send(ChildrenGone{});
        CHECK(h.sup.stop_reason() == "crash budget spent");
    }
}

TEST_CASE("actions come kills and spawns first, log lines last, each in order") {
    Harness h;
    h.start(55);
    const Actions a = h.send(SignalReceived{SIGTERM});
    bool seen_log = false;
    for (const Action& action : a) {
        if (std::holds_alternative<Log>(action))
            seen_log = true;
        else
            CHECK_FALSE(seen_log);
    }
    CHECK(seen_log);
}

TEST_CASE("the checks follow the running child only") {
    Harness h;
    h.send(Start{});
    CHECK(h.sup.checked_pid() == 0);
    h.send(Spawned{55});
    CHECK(h.sup.checked_pid() == 55);
    h.send(SignalReceived{SIGTERM});
    CHECK(h.sup.checked_pid() == 0);  // stopping: the child is on its way out
}

TEST_CASE("a stop that comes while the spawn is in flight reaches the child once it is spawned") {
    // The shell hands over Spawned before any signal, so only a test gets here; the stop must
    // not be lost either way.
    Harness h;
    h.send(Start{});
    auto a = h.send(SignalReceived{SIGTERM});
    CHECK_FALSE(has<Kill>(a));  // nobody to send it to yet
    CHECK(h.sup.phase() == Phase::stopping);
    CHECK(h.sup.status() == Status::stopping);
    auto spawned = h.send(Spawned{77});
    REQUIRE(all_of<Kill>(spawned).size() == 1);
    CHECK(all_of<Kill>(spawned)[0].signo == SIGTERM);
    CHECK(all_of<Kill>(spawned)[0].pid == 77);
    CHECK(h.sup.phase() == Phase::stopping);
    h.send(ChildExited{exited(0)});
    CHECK(h.sup.phase() == Phase::finishing);
    CHECK(all_of<Exit>(h.send(ChildrenGone{})).at(0).code == 0);
}
