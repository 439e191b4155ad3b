#include "runtime/runtime.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "config/child_env.hpp"
#include "config/signal_names.hpp"
#include "core/signal_origin.hpp"
#include "log/logger.hpp"
#include "runtime/fd_count.hpp"
#include "runtime/final_status.hpp"
#include "state/state_file.hpp"
#include "sys/directories.hpp"
#include "sys/process_tree.hpp"
#include "sys/reaper.hpp"
#include "sys/signals.hpp"
#include "sys/text_pages.hpp"

extern char** environ;

namespace clawinit {

Runtime::Runtime(const Config& config, sigset_t child_mask, std::optional<UserIds> user)
    : m_config(config),
      m_signals(m_io, open_signalfd().release()),
      m_timer(m_io),
      m_supervisor(config),
      m_log_retry(m_io) {
    m_spawn.command = config.command;
    // HOME, USER, LOGNAME and SHELL of the --user switch, then `env` (config/child_env.hpp);
    // NOTIFY_SOCKET and WATCHDOG_* are for clawinit, the main process (sys/sd_notify.hpp).
    m_spawn.env = without_notify_variables(child_environment(environ, environment_changes(config)));
    m_notifier = Notifier::from_environment(m_io);
    m_spawn.user = std::move(user);
    m_spawn.child_mask = child_mask;
    // Probe connections and spawns should not meet a low soft fd limit; the child gets the
    // limit clawinit was started with. The spawn context is built now, while fds are plenty.
    m_spawn.fd_limit = raise_fd_limit();
    prepare_spawning();
    m_spawn.terminal = detect_terminal();  // `docker run -it`: the child gets the foreground
    // Everything that can fail here fails before the spawn: a taken probe port is exit 2.
    if (const auto& address = config.probe_listen.address()) {
        // Probe connections never take the descriptors a spawn, a save or a check needs.
        ProbeLimits limits;
        const std::uint64_t fd_limit = fd_soft_limit();
        const std::uint64_t held = open_descriptor_count(fd_limit) + 1;  // + the listener
        limits.max_connections = probe_connection_cap(fd_limit, held);
        m_probe = std::make_unique<ProbeServer>(
            m_io, *address, [this] { return snapshot(); }, limits);
        if (limits.max_connections < ProbeLimits{}.max_connections)
            log_event(LogLevel::info, "probe_connection_cap",
                      fmt::format("probe: at most {} connections (descriptor limit {}, {} open, "
                                  "{} kept for spawns, saves and checks)",
                                  limits.max_connections, fd_limit, held, k_probe_fd_reserve),
                      {{LogKey::count, static_cast<std::uint64_t>(limits.max_connections)}});
    }
    if (const auto& target = config.ready_check.target())
        m_ready_check = make_check(*target, CheckKindOf::ready);
    if (const auto& target = config.live_check.target())
        m_live_check = make_check(*target, CheckKindOf::live);
    // clawinit's own pid in its first line (after what can fail, which is one error line):
    // restarts and stops are asked of clawinit, not of the gateway
    // (whose own log names its pid; a signal sent there directly is no request).
    const int own = ::getpid();
    std::string restart = "no restart signal";
    if (!config.restart_signals.empty()) {
        std::string name = signal_name(config.restart_signals.front());
        if (name.starts_with("SIG")) name.erase(0, 3);
        restart = fmt::format("restart the gateway with kill -{} {}", name, own);
    }
    log_event(LogLevel::info, "started",
              fmt::format("clawinit {} started as pid {}: {}, stop with kill -TERM {}",
                          CLAWINIT_VERSION, own, restart, own),
              {{LogKey::pid, own}});
    if (!config.state_dir.empty()) {
        // Created if missing (a fresh volume's subdirectory); if that fails, saving warns.
        make_directories(config.state_dir);
        LoadResult loaded = load_state(config.state_dir);
        if (!loaded.warning.empty())
            log_event(LogLevel::warn, "state_not_loaded", "state: " + loaded.warning,
                      {{LogKey::reason, loaded.warning}});
        m_boot_base = loaded.state;
        m_state = loaded.state;
        m_state.boot_count = count_up(m_state.boot_count);
        m_state.started_at = std::time(nullptr);
        log_event(LogLevel::info, "boot",
                  fmt::format("state: boot {} (state in {}/state.json)", m_state.boot_count,
                              config.state_dir),
                  {{LogKey::count, m_state.boot_count}});
    }
}

Runtime::~Runtime() {
    if (m_log_fd) m_log_fd->release();  // the logger's descriptor, not ours to close
}

int Runtime::run() {
    do_read_signals();
    if (m_probe) m_probe->start();
    dispatch(Start{});
    // Start-up is over once what it queued has run: its code's page mappings go back (idle RSS
    // 872 -> 484 kB; docs/benchmarks.md), and the steady state maps back only what it runs.
    boost::asio::post(m_io, [] {
        const std::size_t released = release_read_only_pages();
        log_event(
            LogLevel::debug, "start_pages_released",
            fmt::format("start-up over: {} kB of code and constants unmapped", released / 1024),
            {});
    });
    // Signals that arrived before the loop started are already queued in the signalfd.
    while (!m_exit_code) {
        if (!m_log_watched && log_pending()) watch_log_output();
        m_io.run_one();
        // One epoll_wait can make a hundred probe connections ready at once, and Asio runs
        // them all before it looks at the signalfd again: look at it ourselves between
        // handlers, at most every k_signal_check (a non-blocking read, nothing when idle).
        const Time now = Clock::now();
        if (now - m_last_signal_check >= k_signal_check && !m_exit_code) {
            m_last_signal_check = now;
            take_signals();
        }
    }
    // The final save (posted, but the loop has ended) is on disk before `stop --wait` hears
    // the outcome: whoever acts on "stopped" (a volume snapshot, the next container's start)
    // finds this stop in state.json.
    if (m_save_pending) save_now();  // before finish() below
    if (m_probe) {
        // Give `stop --wait` its answer; a client that does not read it costs at most 1 s.
        // Built only when one waits: its decimals are the stop's only floating-point
        // formatting, code no other path maps back in after start-up (bench row 4).
        m_probe->finish(m_probe->exit_awaited() ? final_status(*m_exit_code) : std::string());
        const auto give_up = Clock::now() + std::chrono::seconds(1);
        while (m_probe->open_connections() > 0 && Clock::now() < give_up)
            m_io.run_one_until(give_up);
        m_probe->close();
    }
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
        // In the order given (kills and spawns, then log lines); the lines still come out
        // before anything the next event logs, which waits in the queue.
        const Phase before = m_supervisor.phase();
        const Time now = Clock::now();
        const Actions actions = m_supervisor.handle(next, now);
        // The kills and spawns first: a forwarded signal must not wait for bookkeeping.
        // (execute() only queues new events, so the Supervisor's views below are still those
        // right after this one.)
        for (const Action& action : actions) execute(action);
        m_lifecycle.observe(next, before, actions,
                            {m_supervisor.phase(), m_supervisor.restart_pending(),
                             m_supervisor.ready(), m_supervisor.restarts()},
                            now);
        if (m_queue.empty() && m_supervisor.phase() == Phase::finishing) reap();
    }
    m_dispatching = false;
    follow_child();
    if (m_notifier)
        m_notifier->update({m_supervisor.status(), reason_text(m_supervisor.reason()),
                            m_supervisor.ready(), m_supervisor.restart_pending()},
                           m_supervisor.live());
}

void Runtime::execute(const Action& action) {
    std::visit(
        [this](const auto& a) {
            using A = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<A, Spawn>) {
                m_childless = false;  // a failed exec still leaves a child to reap
                const SpawnOutcome outcome = spawn_child(m_spawn);
                if (outcome.error && outcome.failed_step != SpawnStep::exec && m_spawn.user)
                    dispatch(SpawnFailed{
                        outcome.error, user_switch_failure(m_config.user, *m_spawn.user, outcome)});
                else if (outcome.error)
                    dispatch(SpawnFailed{outcome.error});
                else
                    dispatch(Spawned{outcome.pid});
            } else if constexpr (std::is_same_v<A, Kill>) {
                send_kill(a);
            } else if constexpr (std::is_same_v<A, ArmTimer>) {
                m_timer.expires_at(a.deadline);
                m_timer.async_wait([this](const boost::system::error_code& ec) { on_timer(ec); });
            } else if constexpr (std::is_same_v<A, CancelTimer>) {
                m_timer.cancel();
            } else if constexpr (std::is_same_v<A, Exit>) {
                m_exit_code = a.code;
            } else if constexpr (std::is_same_v<A, Log>) {
                log_event(a.level, a.event, a.message, a.fields);
            } else if constexpr (std::is_same_v<A, SaveState>) {
                request_save();
            }
        },
        action);
}

void Runtime::send_kill(const Kill& kill) {
    // Which calls and which fallback: core/forwarding.hpp.
    switch (kill_call(kill, m_childless)) {
        case KillCall::none:
            return;
        case KillCall::walk_descendants:
            signal_descendants(kill.signo);
            return;
        case KillCall::process:
            break;
    }
    std::optional<Kill> attempt = kill;
    while (::kill(kill_argument(*attempt), attempt->signo) != 0) {
        const int error = errno;
        if (const std::optional<Kill> next = kill_fallback(*attempt, error)) {
            attempt = next;
            continue;
        }
        if (kill_failure_is_news(error))
            log_event(LogLevel::warn, "kill_failed",
                      fmt::format("kill({}, {}) failed: {}", kill_argument(*attempt),
                                  signal_name(attempt->signo), std::strerror(error)),
                      {{LogKey::pid, kill_argument(*attempt)},
                       {LogKey::signal, signal_name(attempt->signo)},
                       {LogKey::reason, std::strerror(error)}});
        return;
    }
}

void Runtime::do_read_signals() {
    m_signals.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                         [this](const boost::system::error_code& ec) { on_signals(ec); });
}

void Runtime::on_signals(const boost::system::error_code& ec) {
    if (ec) {
        log_event(LogLevel::error, "signalfd_failed",
                  fmt::format("signalfd wait failed: {}", ec.message()),
                  {{LogKey::reason, ec.message()}});
        return;
    }
    take_signals();
    if (!m_exit_code) do_read_signals();
    // Looked at just now, after the handling (a log line, a kill): timed from before it, the
    // loop's own look (run()) read the signalfd again for nothing, a sixth system call per
    // forwarded signal where five is the floor (bench/budgets.py).
    m_last_signal_check = Clock::now();
}

void Runtime::take_signals() {
    bool child_changed = false;
    for (const ReceivedSignal& received : read_signals(m_signals.native_handle())) {
        const int signo = received.signo;
        if (self_caused_signal(signo, received.origin, m_own_pid)) {
            // The kernel's answer to our own write (closed log pipe, ulimit -f): the write
            // already failed with EPIPE/EFBIG and the logger handles that; the gateway must
            // not die of it. Debug only: a line about it could hit the same closed pipe.
            ++m_self_signals;
            log_event(LogLevel::debug, "self_signal",
                      fmt::format("{} not forwarded: raised by clawinit's own system call ({} so "
                                  "far)",
                                  signal_name(signo), m_self_signals),
                      {{LogKey::signal, signal_name(signo)}, {LogKey::count, m_self_signals}});
            continue;
        }
        if (m_supervisor.forwarding()[signo].kind == SignalKind::reap) {
            child_changed = true;
            continue;
        }
        // A plain forward goes out before anything else runs: the Supervisor's bookkeeping
        // (counters, the formatted log line) is cold code after an idle spell and the child
        // need not wait for it. Signals are still handled one by one, in arrival order.
        if (const std::optional<Kill> kill = m_supervisor.direct_kill(signo)) {
            send_kill(*kill);
            dispatch(SignalReceived{signo, kill->signo, kill->pid});
        } else {
            dispatch(SignalReceived{signo});
        }
    }
    if (child_changed) reap();
}

void Runtime::on_timer(const boost::system::error_code& ec) {
    if (ec == boost::asio::error::operation_aborted) return;
    dispatch(TimerFired{});
}

void Runtime::reap() {
    m_reap_posted = false;
    const int main_pid = m_supervisor.child_pid();
    std::optional<int> main_status;
    const ReapResult result = reap_all(
        [&](int pid, int status) {
            if (main_pid != 0 && pid == main_pid)
                main_status = status;
            else if (!(m_ready_check && m_ready_check->on_process_exit(pid, status)) &&
                     !(m_live_check && m_live_check->on_process_exit(pid, status)))
                ++m_zombies_reaped;
        },
        k_reap_slice);
    m_childless = result.no_children;
    if (result.more && !m_reap_posted) {
        // An exit storm: the rest after the handlers already waiting (signals, probes). No
        // SIGCHLD will say so again: the kernel coalesced them into the one we are handling.
        m_reap_posted = true;
        boost::asio::post(m_io, [this] {
            if (m_reap_posted) reap();
        });
    }
    // After ChildExited, dispatch() reaps again once the Supervisor is finishing, and that
    // pass reports ChildrenGone.
    if (main_status && m_spawn.terminal == TerminalMode::foreground) reclaim_terminal();
    if (main_status)
        dispatch(ChildExited{*main_status});
    else if (result.no_children && m_supervisor.phase() == Phase::finishing)
        dispatch(ChildrenGone{});
}

void Runtime::follow_child() {
    if (m_ready_check) m_ready_check->hurry(m_supervisor.restart_pending());
    const int pid = m_supervisor.checked_pid();
    if (pid == m_checked_pid) return;
    m_checked_pid = pid;
    for (Check* check : {m_ready_check.get(), m_live_check.get()}) {
        if (!check) continue;
        if (pid)
            check->start();
        else
            check->stop();
    }
}

std::unique_ptr<Check> Runtime::make_check(const CheckTarget& target, CheckKindOf kind) {
    Check::ExecHooks hooks{
        [this](const std::vector<std::string>& argv) { return spawn_check_process(argv); },
        [](int pid) { ::kill(-pid, SIGKILL); }};  // its own session: the whole check goes
    auto report = [this, kind](bool pass, std::string detail, Clock::duration took) {
        (kind == CheckKindOf::ready ? m_ready_stats : m_live_stats)
            .record(pass, std::chrono::duration<double>(took).count());
        dispatch(CheckResult{kind, pass, std::move(detail)});
    };
    return std::make_unique<Check>(
        m_io, target, m_config.check_interval, m_config.check_timeout, std::move(report),
        std::move(hooks), kind == CheckKindOf::ready ? Cadence::follow_readiness : Cadence::steady,
        m_config.not_ready_interval);
}

int Runtime::spawn_check_process(const std::vector<std::string>& argv) {
    if (argv.empty()) return -ENOENT;
    SpawnSpec spec = m_spawn;
    spec.command = argv;
    spec.terminal = TerminalMode::none;  // a check never takes the terminal from the gateway
    m_childless = false;
    const SpawnOutcome outcome = spawn_child(spec);
    return outcome.error ? -outcome.error : outcome.pid;
}

void Runtime::watch_log_output() {
    m_log_watched = true;
    auto retry = [this](const boost::system::error_code& ec) {
        m_log_watched = false;
        if (ec != boost::asio::error::operation_aborted) log_flush();
    };
    const int fd = log_wait_fd();
    if (fd < 0) {
        // A socket or a descriptor shared with the child: Asio's wait would make it
        // non-blocking for the child too. Look again a little later instead.
        m_log_retry.expires_after(std::chrono::milliseconds(50));
        m_log_retry.async_wait(retry);
        return;
    }
    if (!m_log_fd) m_log_fd.emplace(m_io, fd);
    m_log_fd->async_wait(boost::asio::posix::stream_descriptor::wait_write, retry);
}

void Runtime::request_save() {
    if (m_config.state_dir.empty() || m_save_pending) return;
    // Saved after the event that asked for it is fully handled (the spawn, the forward), and
    // one save covers every change made in the meantime.
    m_save_pending = true;
    boost::asio::post(m_io, [this] {
        if (m_save_pending) save_now();
    });
}

void Runtime::save_now() {
    m_save_pending = false;
    const Stats& stats = m_supervisor.stats();
    const std::time_t now = std::time(nullptr);
    m_state.restarts["signal"] = m_boot_base.restarts["signal"] + stats.restarts_signal;
    m_state.restarts["crash"] = m_boot_base.restarts["crash"] + stats.restarts_crash;
    m_state.restarts["in_place"] = m_boot_base.restarts["in_place"] + stats.restarts_in_place;
    if (m_supervisor.restarts() != m_restarts_seen) {
        m_restarts_seen = m_supervisor.restarts();
        m_state.last_restart_at = now;
    }
    if (stats.last_exit) m_state.last_exit = stats.last_exit;
    if (std::optional<std::string> reason = m_supervisor.stop_reason()) {
        m_state.last_stop_reason = std::move(*reason);
        if (stats.last_stop_duration)
            m_state.last_stop_seconds =
                std::chrono::duration<double>(*stats.last_stop_duration).count();
        m_state.last_stop_killed = stats.last_stop_killed;
    }
    m_state.kills_after_grace = m_boot_base.kills_after_grace + m_lifecycle.kills_after_grace();
    m_state.updated_at = now;
    const SaveResult saved = save_state(m_config.state_dir, m_state);
    m_last_save_seconds = saved.seconds;
    if (saved.ok) {
        if (!m_last_save_error.empty())
            log_event(LogLevel::info, "state_saved_again", "state: saving works again", {});
        m_last_save_error.clear();
    } else if (saved.error != m_last_save_error) {
        // Once per distinct error: a read-only volume must not flood the log.
        log_event(LogLevel::warn, "state_not_saved",
                  "state: not saved, previous state kept: " + saved.error,
                  {{LogKey::reason, saved.error}});
        m_last_save_error = saved.error;
    }
}

std::string Runtime::final_status(int exit_code) const {
    const Stats& stats = m_supervisor.stats();
    FinalStatus s{exit_code, stats.last_exit, std::nullopt, stats.last_stop_killed,
                  m_supervisor.restarts()};
    if (stats.last_stop_duration)
        s.stop_seconds = std::chrono::duration<double>(*stats.last_stop_duration).count();
    return final_status_json(s);
}

ProbeSnapshot Runtime::snapshot() const {
    const Supervisor& sup = m_supervisor;
    const Stats& stats = sup.stats();
    ProbeSnapshot s;
    s.status = sup.status();
    s.reason = sup.reason();
    s.last_restart = sup.last_restart();
    s.live = sup.live();
    s.ready = sup.ready();
    s.started = sup.started();
    s.unhealthy_reason = sup.unhealthy_reason(Clock::now());
    s.uptime_seconds = std::chrono::duration<double>(Clock::now() - m_started_at).count();
    s.child_pid = sup.child_pid();
    s.restarts = sup.restarts();
    s.last_exit = stats.last_exit;
    s.restarts_signal = stats.restarts_signal;
    s.restarts_crash = stats.restarts_crash;
    s.restarts_in_place = stats.restarts_in_place;
    s.forwarded = stats.forwarded;
    s.exits = stats.exits;
    s.dropped = stats.dropped;
    if (!m_config.restart_signals.empty()) s.restart_signal = m_config.restart_signals.front();
    s.restart_timeout_seconds =
        std::chrono::duration<double>(m_config.effective_restart_timeout()).count();
    s.stop_timeout_seconds = std::chrono::duration<double>(m_config.stop_timeout()).count();
    s.pid = m_own_pid;
    s.zombies_reaped = m_zombies_reaped;
    if (stats.last_stop_duration)
        s.last_stop_seconds = std::chrono::duration<double>(*stats.last_stop_duration).count();
    s.last_state_save_seconds = m_last_save_seconds;
    s.log_lines_dropped = log_lines_dropped();
    s.ready_check = m_ready_stats;
    s.live_check = m_live_stats;
    s.last_restart_to_ready_seconds = m_lifecycle.last_restart_to_ready_seconds();
    s.kills_after_grace = m_lifecycle.kills_after_grace();
    if (!m_config.state_dir.empty())
        s.state_kills_after_grace = m_boot_base.kills_after_grace + s.kills_after_grace;
    s.read_process = &read_process_stats;
    return s;
}

}  // namespace clawinit
