// Where every signal goes, decided once from the Config: the forwarding table the Supervisor
// publishes and the shell only indexes (runtime.cpp's fast path sends a plain forward the
// moment it reads the signalfd; Supervisor::on(SignalReceived) reads the same table), and how
// a Kill is carried out (which kill(2) calls, which fallback, which failure is news). Pure:
// each rule is a doctest case in tests/unit/test_supervisor_forwarding.cpp.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <optional>

#include "config/config.hpp"

namespace clawinit {

enum class Target : std::uint8_t {
    child,        // kill(pid)
    group,        // kill(-pid): the child leads its own session and process group
    descendants,  // every process below clawinit, whatever its session
};
// The action that sends a signal.
struct Kill {
    int signo;
    int pid;
    Target target;
};

// What a signal read from the signalfd means. Phase does not enter: a stop or restart signal is
// one in every phase (what it does then is the Supervisor's), a plain forward goes to the child
// whenever there is one.
enum class SignalKind : std::uint8_t {
    forward,  // plain: to the child as `send`, in any phase, when a child runs
    drop,     // plain, but --rewrite maps it to nothing
    stop,     // SIGTERM/SIGINT/SIGQUIT: Supervisor::begin_stop (drain, forward, grace)
    restart,  // a --restart-signal: Supervisor::request_restart
    reap,     // SIGCHLD: the shell reaps; never forwarded, never an event
};

struct SignalRoute {
    SignalKind kind;
    int send;       // the signal the child gets (after --rewrite); 0: none
    Target target;  // the child or its process group (--kill-scope)
};

class ForwardingTable {
public:
    explicit ForwardingTable(const Config& config);

    // Out-of-range numbers (never read from a signalfd) are plain forwards as themselves.
    SignalRoute operator[](int signo) const {
        if (signo > 0 && signo < NSIG) return m_routes[static_cast<std::size_t>(signo)];
        return SignalRoute{SignalKind::forward, signo, m_target};
    }
    // Where the child's signals go: its process group or the child alone (--kill-scope).
    Target child_target() const { return m_target; }

private:
    Target m_target;
    std::array<SignalRoute, NSIG> m_routes{};
};

// ---- carrying out a Kill ----------------------------------------------------------------------
enum class KillCall : std::uint8_t {
    process,           // kill(kill_argument(kill), signo)
    walk_descendants,  // sys/process_tree.cpp's /proc walk
    none,              // nothing can be reached
};

// What the shell does for `kill`. childless: waitpid() said ECHILD and nothing was spawned
// since; then nobody is below clawinit (an orphan reaches us only from below us), and the /proc
// walk is skipped.
constexpr KillCall kill_call(const Kill& kill, bool childless) {
    if (kill.target != Target::descendants) return KillCall::process;
    return childless ? KillCall::none : KillCall::walk_descendants;
}

// kill(2)'s pid argument: the child's process group is -pid.
constexpr pid_t kill_argument(const Kill& kill) {
    return kill.target == Target::group ? -kill.pid : kill.pid;
}

// After kill(2) failed with `error`: the kill to try instead. A group kill that finds no group
// (ESRCH) means the child left it (its own setsid/setpgid): reach the child directly rather
// than not at all.
constexpr std::optional<Kill> kill_fallback(const Kill& kill, int error) {
    if (kill.target == Target::group && error == ESRCH)
        return Kill{kill.signo, kill.pid, Target::child};
    return std::nullopt;
}

// Whether a failed kill(2) with no fallback is worth a warning. ESRCH is not: the process exited
// a moment ago and its SIGCHLD is already on the way.
constexpr bool kill_failure_is_news(int error) {
    return error != ESRCH;
}

}  // namespace clawinit
