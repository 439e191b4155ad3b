#include "runtime/runtime.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "config/signal_names.hpp"
#include "log/logger.hpp"
#include "sys/process_tree.hpp"
#include "sys/reaper.hpp"
#include "sys/signals.hpp"

extern char** environ;

namespace clawinit {

Runtime::Runtime(const Config& config, sigset_t child_mask, std::optional<UserIds> user)
    : m_signals(m_io, open_signalfd().release()), m_timer(m_io), m_supervisor(config) {
    m_spawn.command = config.command;
    m_spawn.env = child_environment(environ, config.env);
    m_spawn.user = std::move(user);
    m_spawn.child_mask = child_mask;
}

int Runtime::run() {
    do_read_signals();
    dispatch(Start{});
    // Signals that arrived before the loop started are already queued in the signalfd.
    while (!m_exit_code) m_io.run_one();
    return *m_exit_code;
}

void Runtime::dispatch(Event event) {
    // Actions may produce events (Spawn -> Spawned); queue them so the Supervisor always
    // finishes one event before it sees the next.
    m_queue.push_back(std::move(event));
    if (m_dispatching) return;
    m_dispatching = true;
    while (!m_queue.empty() && !m_exit_code) {
        Event next = std::move(m_queue.front());
        m_queue.pop_front();
        for (const Action& action : m_supervisor.handle(next, Clock::now())) execute(action);
        if (m_queue.empty() && m_supervisor.phase() == Phase::finishing) reap();
    }
    m_dispatching = false;
}

void Runtime::execute(const Action& action) {
    std::visit(
        [this](const auto& a) {
            using A = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<A, Spawn>) {
                const SpawnOutcome outcome = spawn_child(m_io, m_spawn);
                if (outcome.error)
                    dispatch(SpawnFailed{outcome.error});
                else
                    dispatch(Spawned{outcome.pid});
            } else if constexpr (std::is_same_v<A, Kill>) {
                if (a.target == Target::descendants) {
                    signal_descendants(a.signo);
                    return;
                }
                const pid_t target = a.target == Target::group ? -a.pid : a.pid;
                int rc = ::kill(target, a.signo);
                if (rc != 0 && errno == ESRCH && a.target == Target::group) {
                    // The child left its process group (its own setsid/setpgid): reach it
                    // directly rather than not at all.
                    rc = ::kill(a.pid, a.signo);
                }
                // ESRCH: it exited a moment ago; its SIGCHLD is already on the way.
                if (rc != 0 && errno != ESRCH)
                    log_line(LogLevel::warn, fmt::format("kill({}, {}) failed: {}", target,
                                                         signal_name(a.signo), std::strerror(errno)));
            } else if constexpr (std::is_same_v<A, ArmTimer>) {
                m_timer.expires_at(a.deadline);
                m_timer.async_wait([this](const boost::system::error_code& ec) { on_timer(ec); });
            } else if constexpr (std::is_same_v<A, CancelTimer>) {
                m_timer.cancel();
            } else if constexpr (std::is_same_v<A, Exit>) {
                m_exit_code = a.code;
            } else if constexpr (std::is_same_v<A, Log>) {
                log_line(a.level, a.message);
            } else if constexpr (std::is_same_v<A, SaveState>) {
                // Persisted state arrives with --state-dir (SPEC.md "State").
            }
        },
        action);
}

void Runtime::do_read_signals() {
    m_signals.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                         [this](const boost::system::error_code& ec) { on_signals(ec); });
}

void Runtime::on_signals(const boost::system::error_code& ec) {
    if (ec) {
        log_line(LogLevel::error, fmt::format("signalfd wait failed: {}", ec.message()));
        return;
    }
    bool child_changed = false;
    for (int signo : read_signals(m_signals.native_handle())) {
        if (signo == SIGCHLD)
            child_changed = true;
        else
            dispatch(SignalReceived{signo});
    }
    if (child_changed) reap();
    if (!m_exit_code) do_read_signals();
}

void Runtime::on_timer(const boost::system::error_code& ec) {
    if (ec == boost::asio::error::operation_aborted) return;
    dispatch(TimerFired{});
}

void Runtime::reap() {
    const int main_pid = m_supervisor.child_pid();
    std::optional<int> main_status;
    const ReapResult result = reap_all([&](int pid, int status) {
        if (main_pid != 0 && pid == main_pid)
            main_status = status;
        else
            ++m_zombies_reaped;
    });
    // After ChildExited, dispatch() reaps again once the Supervisor is finishing, and that
    // pass reports ChildrenGone.
    if (main_status)
        dispatch(ChildExited{*main_status});
    else if (result.no_children && m_supervisor.phase() == Phase::finishing)
        dispatch(ChildrenGone{});
}

}  // namespace clawinit
