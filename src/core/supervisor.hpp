// The whole lifecycle of clawinit as a pure state machine: events and the current time in,
// actions out. Nothing here forks, kills, reads a clock or logs, so every rule of SPEC.md
// ("Signals", "Stop, exit codes, leftovers") is a doctest case with a fake clock
// (tests/unit/test_supervisor.cpp). runtime/ turns fds and timers into events and carries out
// the actions.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "config/config.hpp"
#include "core/forwarding.hpp"
#include "core/status.hpp"

namespace clawinit {

using Clock = std::chrono::steady_clock;
using Time = Clock::time_point;

// ---- events -------------------------------------------------------------------------------
struct Start {};                       // once, when the event loop is up
struct Spawned { int pid; };           // the Spawn action succeeded
// exec (or fork) failed with this errno; `reason`, when set, is the whole error line instead
// of "cannot run" (a failed user switch says which user, clawinit's uid and the fix).
struct SpawnFailed { int error; std::string reason{}; };
// Anything but SIGCHLD, read from the signalfd. sent_as != 0: the shell already forwarded it
// to the child sent_to as that signal (Supervisor::direct_kill), so only the record is left.
struct SignalReceived { int signo; int sent_as{0}; int sent_to{0}; };
struct ChildExited { int wait_status; };  // the main child only; other reaps never get here
struct TimerFired {};                  // the deadline of the last ArmTimer has passed
struct ChildrenGone {};                // waitpid says no process is left below clawinit
enum class CheckKindOf { ready, live };
struct CheckResult { CheckKindOf check; bool pass; std::string detail; };  // --ready/--live-check
using Event = std::variant<Start, Spawned, SpawnFailed, SignalReceived, ChildExited, TimerFired,
                           ChildrenGone, CheckResult>;

// ---- actions ------------------------------------------------------------------------------
struct Spawn {};
// Kill and its Target: core/forwarding.hpp.
struct ArmTimer { Time deadline; };  // replaces any earlier deadline
struct CancelTimer {};
struct Exit { int code; };
struct Log { LogLevel level; std::string message; };
struct SaveState {};  // a lifecycle change worth persisting happened
using Action = std::variant<Spawn, Kill, ArmTimer, CancelTimer, Exit, Log, SaveState>;
using Actions = std::vector<Action>;

enum class Phase {
    starting,   // Spawn issued, waiting for Spawned/SpawnFailed
    running,    // child up (a restart request may be pending)
    backoff,    // child crashed, waiting to respawn
    draining,   // stop requested, not yet forwarded (--drain-delay)
    stopping,   // stop forwarded, grace running
    finishing,  // main child gone, clawinit will exit once every descendant is gone
    exited,
};
const char* phase_name(Phase phase);

// Counters for /metrics and state.json; owned by the supervisor because it alone sees the
// decisions behind them.
struct Stats {
    std::uint64_t restarts_signal{0};  // respawned after a restart signal + restart exit code
    std::uint64_t restarts_crash{0};   // respawned by the on-crash policy
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
        if (route.kind != SignalKind::forward || m_child_pid == 0) return std::nullopt;
        return Kill{route.send, m_child_pid, route.target};
    }
    // The child the ready and live checks follow: the running child, 0 when there is none.
    int checked_pid() const { return m_phase == Phase::running ? m_child_pid : 0; }
    // state.json's last_stop_reason: the stop signal, "crash budget spent" or "child exited";
    // nullopt while no stop is under way and clawinit has not exited.
    std::optional<std::string> stop_reason() const;

    Phase phase() const { return m_phase; }
    int child_pid() const { return m_child_pid; }
    bool restart_pending() const { return m_restart_pending; }
    bool stop_requested() const { return m_stop_requested; }
    int stop_signal() const { return m_stop_signal; }
    bool crash_budget_spent() const { return m_budget_spent; }
    const Stats& stats() const { return m_stats; }
    // Restarts of either kind, for /status and state.json.
    std::uint64_t restarts() const { return m_stats.restarts_signal + m_stats.restarts_crash; }

    // Probe views (SPEC.md "Probe server").
    bool ready() const;    // child runs, its ready check passes, no stop or restart under way
    bool live() const;     // live checks pass and the crash budget is not spent
    bool started() const { return m_started; }  // the child has been ready once
    // The status and its reason, both from the state alone (one place for /status, /metrics
    // and `clawinit status`). reason() is set whenever /ready or /health fails, or a stop,
    // restart or backoff is under way; nullopt for a ready, live child.
    Status status() const;
    std::optional<std::string> reason() const;
    // The current child has been ready since its spawn (a drain delay only protects endpoints
    // that could point at it).
    bool ready_since_spawn() const { return m_ready_since_spawn; }

private:
    void on(const Start&, Time now, Actions& out);
    void on(const Spawned& event, Time now, Actions& out);
    void on(const SpawnFailed& event, Time now, Actions& out);
    void on(const SignalReceived& event, Time now, Actions& out);
    void on(const ChildExited& event, Time now, Actions& out);
    void on(const TimerFired&, Time now, Actions& out);
    void on(const ChildrenGone&, Time now, Actions& out);
    void on(const CheckResult& event, Time now, Actions& out);

    void begin_stop(int signo, Time now, Actions& out);
    void forward_stop(Time now, Actions& out);
    void request_restart(int signo, Time now, Actions& out);
    int stop_exit_code(int code, Actions& out) const;
    void after_crash(int code, Time now, Actions& out);
    void back_off(int code, Time now, Actions& out);  // restart after a delay, within the budget
    void enter_finishing(int code, Time now, Actions& out);
    void spawn(Actions& out);
    void forward(int signo, Time now, Actions& out);
    void drop(int signo, DropReason reason, Time now, Actions& out);
    DropReason no_child_reason() const;
    bool live_checks_count(Time now) const;
    void log_child_end(int pid, int wait_status, int code, Actions& out);
    void record_forward(int signo, int sent_as, int pid, Actions& out);
    void arm(Time deadline, Actions& out);
    void disarm(Actions& out);

    bool is_restart_code(int code) const;

    Config m_config;
    ForwardingTable m_forwarding;
    Phase m_phase{Phase::starting};
    int m_child_pid{0};
    std::optional<Time> m_child_started_at;
    std::optional<Time> m_deadline;
    bool m_restart_pending{false};
    Time m_restart_deadline{};
    bool m_restarting{false};  // the current Spawn answers a restart request
    bool m_spawn_retry{false};  // the backoff retries a spawn that failed: no new restart
    bool m_stop_requested{false};
    int m_stop_signal{0};
    Time m_stop_started{};
    std::optional<Time> m_grace_deadline;  // set once a stop or the final cleanup starts
    bool m_killed{false};        // SIGKILL has gone out: the grace is spent
    bool m_budget_spent{false};  // --max-restarts within --restart-window was exceeded
    int m_final_code{0};
    int m_consecutive_crashes{0};
    std::deque<Time> m_crash_restarts;  // when crash restarts were decided, within the window
    bool m_check_passing{false};  // the current child's ready check (true without one)
    bool m_started{false};
    int m_live_failures{0};
    bool m_ready_since_spawn{false};  // the current child's ready check passed (or none)
    bool m_live_since_spawn{false};   // the current child passed a live check
    bool m_respawned{false};          // the current child replaces an earlier one
    int m_stop_sent{0};               // the stop signal as forwarded (after --rewrite), 0: none yet
    bool m_stop_won_restart{false};   // a stop arrived while a restart request was pending
    struct DropLog { Time last; std::uint64_t unlogged{0}; };
    std::map<std::pair<int, DropReason>, DropLog> m_drop_log;
    std::string m_not_ready_detail;
    std::string m_live_detail;
    Stats m_stats;
};

}  // namespace clawinit
