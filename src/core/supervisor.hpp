// The whole lifecycle of clawinit as a pure state machine: events and the current time in,
// actions out. Nothing here forks, kills, reads a clock or logs, so every rule of README
// "Behaviour" (signals, stop, restart, crash, leftovers, exit code) is a doctest case with a fake
// clock (tests/unit/test_supervisor.cpp). runtime/ turns fds and timers into events and carries out
// the actions.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "config/config.hpp"
#include "core/forwarding.hpp"
#include "core/log_fields.hpp"
#include "core/status.hpp"

namespace clawinit {

using Clock = std::chrono::steady_clock;
using Time = Clock::time_point;

// ---- events -------------------------------------------------------------------------------
struct Start {};  // once, when the event loop is up
struct Spawned {
    int pid;
};  // the Spawn action succeeded
// exec (or fork) failed with this errno; `reason`, when set, is the whole error line instead
// of "cannot run" (a failed user switch says which user, clawinit's uid and the fix).
struct SpawnFailed {
    int error;
    std::string reason{};
};
// Anything but SIGCHLD, read from the signalfd. sent_as != 0: the shell already forwarded it
// to the child sent_to as that signal (Supervisor::direct_kill), so only the record is left.
struct SignalReceived {
    int signo;
    int sent_as{0};
    int sent_to{0};
};
struct ChildExited {
    int wait_status;
};                       // the main child only; other reaps never get here
struct TimerFired {};    // the deadline of the last ArmTimer has passed
struct ChildrenGone {};  // waitpid says no process is left below clawinit
enum class CheckKindOf { ready, live };
struct CheckResult {
    CheckKindOf check;
    bool pass;
    std::string detail;
};  // --ready/--live-check
using Event = std::variant<Start, Spawned, SpawnFailed, SignalReceived, ChildExited, TimerFired,
                           ChildrenGone, CheckResult>;

// ---- actions ------------------------------------------------------------------------------
struct Spawn {};
// Kill and its Target: core/forwarding.hpp.
struct ArmTimer {
    Time deadline;
};  // replaces any earlier deadline
struct CancelTimer {};
struct Exit {
    int code;
};
// One line for people (message, the whole of a text line) and the same facts for a log
// shipper: an event name ("spawned", a string literal) and typed fields (core/log_fields.hpp).
struct Log {
    LogLevel level;
    std::string message;
    std::string_view event{};
    std::vector<LogField> fields{};
};
struct SaveState {};  // a lifecycle change worth persisting happened
using Action = std::variant<Spawn, Kill, ArmTimer, CancelTimer, Exit, Log, SaveState>;
using Actions = std::vector<Action>;

// The name of the Supervisor's state alternative (same order: phase() is its index).
enum class Phase {
    starting,   // Spawn issued, waiting for Spawned/SpawnFailed
    running,    // child up (a restart request may be pending)
    backoff,    // child crashed, waiting to respawn
    draining,   // stop requested, not yet forwarded (--drain-delay)
    stopping,   // stop forwarded, grace running
    finishing,  // main child gone, clawinit will exit once every descendant is gone
    exited,
};

// Counters for /metrics and state.json; owned by the supervisor because it alone sees the
// decisions behind them.
struct Stats {
    std::uint64_t restarts_signal{0};  // respawned after a restart signal + restart exit code
    std::uint64_t restarts_crash{0};   // respawned by the on-crash policy
    // a restart the child did itself, in place (same pid): asked for, then seen not ready and
    // ready again by the ready check
    std::uint64_t restarts_in_place{0};
    std::map<int, std::uint64_t> forwarded;  // signal number -> times forwarded
    std::map<int, std::uint64_t> exits;      // child exit code -> count
    std::optional<int> last_exit;
    std::optional<Duration> last_stop_duration;
    bool last_stop_killed{false};  // the grace ran out and SIGKILL was needed
    // (signal number, why) -> signals that reached clawinit and went nowhere
    std::map<std::pair<int, DropReason>, std::uint64_t> dropped;
};

// Rate limit of the info line for a dropped signal: the first of each (signal, reason), then
// at most one per this interval, with the count of those not logged in between.
inline constexpr Duration k_drop_log_interval{std::chrono::seconds(10)};

class Supervisor {
public:
    explicit Supervisor(Config config);

    // Kills and spawns come first in what it returns, log lines last (each kind in order): the
    // lines are for people, a child is waiting on the rest.
    Actions handle(const Event& event, Time now);

    // Where each signal goes (kind, signal after --rewrite, target), from the Config alone.
    const ForwardingTable& forwarding() const { return m_forwarding; }
    // The kill for signo if it is a plain forward and a child runs, else nullopt. The shell's
    // fast path sends it the moment it reads the signal and then dispatches
    // SignalReceived{signo, kill->signo, kill->pid}; on(SignalReceived) asks the same question,
    // so the rule exists once.
    std::optional<Kill> direct_kill(int signo) const {
        const SignalRoute route = m_forwarding[signo];
        const int pid = child_pid();
        if (route.kind != SignalKind::forward || pid == 0) return std::nullopt;
        return Kill{route.send, pid, route.target};
    }
    // The child the ready and live checks follow: the running child, 0 when there is none.
    int checked_pid() const;
    // state.json's last_stop_reason: the stop signal, "crash budget spent" or "child exited";
    // nullopt while no stop is under way and clawinit has not exited.
    std::optional<std::string> stop_reason() const;

    // Views of the state (below): each is worked out from the current alternative alone.
    Phase phase() const { return static_cast<Phase>(m_state.index()); }
    int child_pid() const;  // 0 while there is no child
    bool restart_pending() const;
    bool crash_budget_spent() const;
    const Stats& stats() const { return m_stats; }
    // Restarts of either kind, for /status and state.json.
    std::uint64_t restarts() const {
        return m_stats.restarts_signal + m_stats.restarts_crash + m_stats.restarts_in_place;
    }

    // Probe views (README "Probes").
    bool ready() const;  // child runs, its ready check passes, no stop or restart under way
    bool live() const;   // live checks pass and the crash budget is not spent
    bool started() const { return m_started; }  // the child has been ready once
    // For a container HEALTHCHECK: ready, or on its way there within its allowance (a start, a
    // requested restart); false on a real fault (hung, crash-looping, budget spent, exiting).
    // The reason is set whenever it is false.
    bool healthy(Time now) const { return !unhealthy_reason(now); }
    std::optional<std::string> unhealthy_reason(Time now) const;
    // The status and its reason, both from the state alone (one place for /status, /metrics
    // and `clawinit status`). reason() is set whenever /ready or /health fails, or a stop,
    // restart or backoff is under way; nullopt for a ready, live child.
    Status status() const;
    std::optional<Reason> reason() const;
    // What became of the last restart request, for `restart --wait` (core/status.hpp).
    const LastRestart& last_restart() const { return m_last_restart; }

private:
    // ---- the state: one alternative per Phase (same order), each with what that phase needs.
    // What outlives a phase is below it: the crash history, the live-check count (a hung child
    // that crashed keeps /health 503 until its successor starts), the counters.
    struct Child {
        int pid{0};
        Time started_at{};
        bool respawned{false};          // replaces an earlier child: "restarting" until ready
        bool check_passing{false};      // its ready check now (true without one)
        bool ready_since_spawn{false};  // its ready check has passed (or there is none)
        bool live_since_spawn{false};   // it has passed a live check
        int ready_failures{0};          // failed ready checks in a row (--ready-failures)
        std::string not_ready_detail;
    };
    struct Stop {
        int signal{0};  // as received
        Time started{};
        int sent{0};              // as forwarded (after --rewrite); 0: not (yet)
        bool won_restart{false};  // it arrived while a restart request was pending
    };
    struct Starting {
        bool restart{false};
    };  // Spawn issued; restart: it answers one
    struct Running {
        Child child;
        std::optional<Time> restart_deadline;  // a restart request is pending until then
        int restart_sent{0};                   // the pending request's signal, as forwarded
        bool restart_unready{false};           // the child went not ready since the request
    };
    struct Backoff {
        bool spawn_retry{false};
    };  // the respawn retries a failed spawn
    struct Draining {
        Child child;
        Stop stop;
    };  // not ready; the stop goes out at the deadline
    struct Stopping {
        std::optional<Child> child;  // none when the stop came before the spawn finished
        Stop stop;
        Time grace_deadline{};
        bool killed{false};  // the grace ran out: SIGKILL has gone out
    };
    struct Finishing {  // the child is gone; waiting for every descendant
        int code{0};
        std::optional<Stop> stop;
        std::optional<Time> grace_deadline;
        bool killed{false};
        bool budget_spent{false};  // --max-restarts within --restart-window was exceeded
    };
    struct Exited {
        std::optional<Stop> stop;
        bool budget_spent{false};
    };
    using State = std::variant<Starting, Running, Backoff, Draining, Stopping, Finishing, Exited>;
    template <Phase P, typename S>
    static constexpr bool k_is =
        std::is_same_v<std::variant_alternative_t<std::size_t(P), State>, S>;
    static_assert(k_is<Phase::starting, Starting> && k_is<Phase::running, Running> &&
                      k_is<Phase::backoff, Backoff> && k_is<Phase::draining, Draining> &&
                      k_is<Phase::stopping, Stopping> && k_is<Phase::finishing, Finishing> &&
                      k_is<Phase::exited, Exited> && std::variant_size_v<State> == 7,
                  "phase() is the index of the state's alternative");

    const Child* child() const;
    Child* child() { return const_cast<Child*>(std::as_const(*this).child()); }
    const Stop* stop() const;  // the stop under way or done, if any

    void on(const Start&, Time now, Actions& out);
    void on(const Spawned& event, Time now, Actions& out);
    void on(const SpawnFailed& event, Time now, Actions& out);
    void on(const SignalReceived& event, Time now, Actions& out);
    void on(const ChildExited& event, Time now, Actions& out);
    void on(const TimerFired&, Time now, Actions& out);
    void on(const ChildrenGone&, Time now, Actions& out);
    void on(const CheckResult& event, Time now, Actions& out);

    void begin_stop(int signo, Time now, Actions& out);
    void forward_stop(std::optional<Child> child, Stop stop, Time now, Actions& out);
    void request_restart(int signo, Time now, Actions& out);
    int stop_exit_code(int code, Actions& out) const;
    // started_at: the ended child's spawn, nullopt when no child ran (a failed spawn).
    void after_crash(int code, std::optional<Time> started_at, Time now, Actions& out);
    // Restart after a delay, within the budget; spawn_retry: the respawn retries a failed spawn.
    void back_off(int code, std::optional<Time> started_at, bool spawn_retry, Time now,
                  Actions& out);
    // new_stop: a stop that begins as the child is already gone (during the backoff).
    void enter_finishing(int code, Time now, Actions& out, bool budget_spent = false,
                         std::optional<Stop> new_stop = std::nullopt);
    void spawn(bool restart, Actions& out);
    void forward(int signo, Time now, Actions& out);
    void drop(int signo, DropReason reason, Time now, Actions& out);
    DropReason no_child_reason() const;
    bool live_checks_count(Time now) const;
    void log_child_end(int pid, int wait_status, int code, Actions& out);
    void record_forward(int signo, int sent_as, int pid, Actions& out);
    void arm(Time deadline, Actions& out);
    void disarm(Actions& out);

    bool is_restart_code(int code) const;
    // The child's end answers the pending restart request: a restart exit code, or death by
    // the restart signal clawinit forwarded (before the child's handler for it exists).
    bool answers_restart(const Running& running, int wait_status, int code, Time now) const;
    void on_ready_result(Child& checked, const CheckResult& event, Time now, Actions& out);
    void finish_restart_in_place(Running& running, Time now, Actions& out);

    Config m_config;
    ForwardingTable m_forwarding;
    State m_state{Starting{}};
    std::optional<Time> m_deadline;  // of the last ArmTimer, until it fires or is cancelled
    // Outlives phases:
    int m_consecutive_crashes{0};
    std::deque<Time> m_crash_restarts;  // when crash restarts were decided, within the window
    bool m_started{false};              // a child has been ready once (/startup)
    int m_live_failures{0};             // live checks failed in a row (reset by a spawn)
    std::string m_live_detail;          // what the last failed live check said
    struct DropLog {
        Time last;
        std::uint64_t unlogged{0};
    };
    std::map<std::pair<int, DropReason>, DropLog> m_drop_log;
    Stats m_stats;
    LastRestart m_last_restart;
};

}  // namespace clawinit
