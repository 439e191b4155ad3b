#include "core/supervisor.hpp"

#include <fmt/format.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <utility>

#include "config/duration.hpp"
#include "config/signal_names.hpp"
#include "core/exit_code.hpp"

namespace clawinit {

namespace {

std::string command_line(const std::vector<std::string>& command) {
    std::string line;
    for (const auto& arg : command) {
        if (!line.empty()) line += ' ';
        line += arg;
    }
    return line;
}

void log(Actions& out, LogLevel level, std::string_view event, std::string message,
         std::vector<LogField> fields) {
    out.emplace_back(Log{level, std::move(message), event, std::move(fields)});
}

void log_spawned(Actions& out, int pid, const std::vector<std::string>& command, bool restart) {
    const std::string line = command_line(command);
    log(out, LogLevel::info, "spawned",
        fmt::format("spawned pid={} command=\"{}\"{}", pid, line, restart ? " (restart)" : ""),
        {{LogKey::pid, pid}, {LogKey::command, line}, {LogKey::restart, restart}});
}

std::string_view drop_explanation(DropReason reason) {
    switch (reason) {
        case DropReason::rewritten:
            return "--rewrite maps it to nothing";
        case DropReason::stopping:
            return "a stop is under way";
        case DropReason::backoff:
            return "no child during the crash backoff";
        case DropReason::no_child:
            return "no child is running";
        case DropReason::coalesced:
            return "a restart is already pending";
    }
    return "";
}

}  // namespace

Supervisor::Supervisor(Config config) : m_config(std::move(config)), m_forwarding(m_config) {}

Actions Supervisor::handle(const Event& event, Time now) {
    Actions out;
    if (std::holds_alternative<Exited>(m_state)) return out;
    std::visit([&](const auto& e) { on(e, now, out); }, event);
    // Kills and spawns first: the log lines are for people, a child is waiting on the rest (a
    // restart wrote two lines before its fork). Order within each kind is kept.
    std::stable_partition(out.begin(), out.end(),
                          [](const Action& a) { return !std::holds_alternative<Log>(a); });
    return out;
}

// ---- events -------------------------------------------------------------------------------

void Supervisor::on(const Start&, Time, Actions& out) {
    spawn(false, out);
}

void Supervisor::on(const Spawned& event, Time now, Actions& out) {
    Child child;
    child.pid = event.pid;
    child.started_at = now;
    // Without a ready check, a running child is a ready one.
    child.check_passing = m_config.ready_check.empty();
    child.ready_since_spawn = child.check_passing;
    bool restart = false;
    if (const auto* starting = std::get_if<Starting>(&m_state)) {
        restart = starting->restart;
    } else if (auto* stopping = std::get_if<Stopping>(&m_state); stopping && !stopping->child) {
        // The stop came before the spawn finished (only a test can get here: the shell hands
        // over Spawned before anything else): the new child gets the stop at once.
        log_spawned(out, event.pid, m_config.command, false);
        stopping->child = std::move(child);
        forward(stopping->stop.signal, now, out);
        stopping->stop.sent = m_forwarding[stopping->stop.signal].send;
        return;
    } else {
        return;  // no spawn was asked for
    }
    child.respawned = restart;
    if (child.check_passing) m_started = true;
    m_live_failures = 0;
    m_state = Running{std::move(child), std::nullopt};
    log_spawned(out, event.pid, m_config.command, restart);
    out.emplace_back(SaveState{});
}

void Supervisor::on(const SpawnFailed& event, Time now, Actions& out) {
    // Exec failures are never retried: a missing binary does not appear by waiting, and a
    // restart loop would only hide the one line that says what is wrong.
    const std::string what = m_config.command.empty() ? "" : m_config.command.front();
    if (is_transient_spawn_error(event.error)) {
        // Out of descriptors, processes or memory: clawinit's own shortage, not the command's
        // fault, and it passes. Retried like a crash (backoff, budget), whatever --on-crash.
        log(out, LogLevel::error, "spawn_failed",
            fmt::format("cannot start '{}' now: {}; retrying", what, std::strerror(event.error)),
            {{LogKey::command, command_line(m_config.command)},
             {LogKey::reason, std::strerror(event.error)},
             {LogKey::restart, true}});
        // No child ran: the backoff keeps doubling.
        back_off(exec_failure_exit_code(event.error), std::nullopt, true, now, out);
        return;
    }
    log(out, LogLevel::error, "spawn_failed",
        event.reason.empty() ? fmt::format("cannot run '{}': {}", what, std::strerror(event.error))
                             : event.reason,
        {{LogKey::command, command_line(m_config.command)},
         {LogKey::reason,
          event.reason.empty() ? std::string(std::strerror(event.error)) : event.reason},
         {LogKey::restart, false}});
    enter_finishing(exec_failure_exit_code(event.error), now, out);
}

void Supervisor::on(const SignalReceived& event, Time now, Actions& out) {
    const int signo = event.signo;
    switch (m_forwarding[signo].kind) {
        case SignalKind::stop:
            begin_stop(signo, now, out);
            return;
        case SignalKind::restart:
            request_restart(signo, now, out);
            return;
        case SignalKind::reap:
            return;  // the shell's: it reaps
        case SignalKind::forward:
        case SignalKind::drop:
            break;
    }
    if (event.sent_as != 0) {
        // Already sent by the shell as it read the signal: only the record is left.
        record_forward(signo, event.sent_as, event.sent_to, out);
        return;
    }
    if (const std::optional<Kill> kill = direct_kill(signo)) {
        out.emplace_back(*kill);
        record_forward(signo, kill->signo, kill->pid, out);
        return;
    }
    drop(signo, child_pid() == 0 ? no_child_reason() : DropReason::rewritten, now, out);
}

void Supervisor::on(const ChildExited& event, Time now, Actions& out) {
    const int code = exit_code_from_wait_status(event.wait_status);
    if (code < 0) return;  // stopped or continued: still our child
    const Child* gone = child();
    if (!gone) return;  // the main child only comes from a phase that has one
    const int pid = gone->pid;
    const Time started_at = gone->started_at;
    m_stats.last_exit = code;
    ++m_stats.exits[code];
    log_child_end(pid, event.wait_status, code, out);

    if (std::holds_alternative<Stopping>(m_state) || std::holds_alternative<Draining>(m_state)) {
        enter_finishing(stop_exit_code(code, out), now, out);
        return;
    }
    const auto& running = std::get<Running>(m_state);
    if (answers_restart(running, event.wait_status, code, now)) {
        ++m_stats.restarts_signal;
        m_last_restart.outcome = RestartOutcome::respawned;
        log(out, LogLevel::info, "restarting",
            is_restart_code(code)
                ? fmt::format("restarting: restart signal answered with exit code {}", code)
                : fmt::format("restarting: the child died of {}, the restart signal it was "
                              "sent (no handler for it yet): not a crash",
                              signal_name(running.restart_sent)),
            {{LogKey::exit_code, code}});
        disarm(out);
        spawn(true, out);
        return;
    }
    if (running.restart_deadline)  // asked, but this is no answer to it
        m_last_restart.outcome = now > *running.restart_deadline
                                     ? RestartOutcome::expired
                                     : RestartOutcome::not_a_restart_code;
    after_crash(code, started_at, now, out);
}

void Supervisor::on(const TimerFired&, Time now, Actions& out) {
    // A timer that was replaced may still fire once; only the current deadline counts.
    if (!m_deadline || now < *m_deadline) return;
    m_deadline.reset();
    if (auto* running = std::get_if<Running>(&m_state)) {
        if (running->restart_deadline) {
            running->restart_deadline.reset();
            running->restart_sent = 0;
            running->restart_unready = false;
            m_last_restart.outcome = RestartOutcome::expired;
            log(out, LogLevel::warn, "restart_expired",
                fmt::format("restart request expired: child pid={} did not exit within {}",
                            running->child.pid,
                            format_duration(m_config.effective_restart_timeout())),
                {{LogKey::pid, running->child.pid},
                 {LogKey::timeout_ms, m_config.effective_restart_timeout()}});
        }
    } else if (auto* draining = std::get_if<Draining>(&m_state)) {
        forward_stop(std::move(draining->child), draining->stop, now, out);
    } else if (const auto* backoff = std::get_if<Backoff>(&m_state)) {
        // A retried spawn is the same restart, already counted: restarts stay spawns - 1.
        if (!backoff->spawn_retry) ++m_stats.restarts_crash;
        spawn(true, out);
    } else if (std::holds_alternative<Stopping>(m_state) ||
               std::holds_alternative<Finishing>(m_state)) {
        // One deadline for the whole stop: whatever is left when the grace runs out is
        // killed, the child and every descendant alike.
        if (auto* stopping = std::get_if<Stopping>(&m_state)) stopping->killed = true;
        if (auto* finishing = std::get_if<Finishing>(&m_state)) finishing->killed = true;
        const int pid = child_pid();
        std::vector<LogField> fields{{LogKey::timeout_ms, m_config.grace},
                                     {LogKey::signal, "SIGKILL"}};
        if (pid) fields.emplace_back(LogKey::pid, pid);
        log(out, LogLevel::warn, "grace_expired",
            fmt::format("grace period {} expired: sending SIGKILL to {}",
                        format_duration(m_config.grace),
                        pid ? fmt::format("child pid={} and every other process", pid)
                            : std::string("every remaining process")),
            std::move(fields));
        if (pid) out.emplace_back(Kill{SIGKILL, pid, m_forwarding.child_target()});
        out.emplace_back(Kill{SIGKILL, 0, Target::descendants});
    }
}

void Supervisor::on(const ChildrenGone&, Time now, Actions& out) {
    const auto* finishing = std::get_if<Finishing>(&m_state);
    if (!finishing) return;
    const Finishing done = *finishing;
    m_state = Exited{done.stop, done.budget_spent};
    disarm(out);
    const int code = remap_exit_code(done.code, m_config.remap_exit);
    if (done.stop) {
        const auto took = std::chrono::duration_cast<Duration>(now - done.stop->started);
        m_stats.last_stop_duration = took;
        m_stats.last_stop_killed = done.killed;
        log(out, LogLevel::info, "stopped",
            fmt::format("stopped in {}ms{}; exiting with code {}", took.count(),
                        done.killed ? " (SIGKILL was needed)" : "", code),
            {{LogKey::duration_ms, took},
             {LogKey::killed, done.killed},
             {LogKey::exit_code, code},
             {LogKey::signal, signal_name(done.stop->signal)}});
    } else {
        log(out, LogLevel::info, "exiting", fmt::format("exiting with code {}", code),
            {{LogKey::exit_code, code}});
    }
    out.emplace_back(SaveState{});
    out.emplace_back(Exit{code});
}

void Supervisor::on(const CheckResult& event, Time now, Actions& out) {
    const Phase current = phase();
    Child* checked = child();
    if (!checked ||
        (current != Phase::running && current != Phase::draining && current != Phase::stopping))
        return;  // a result about a child that is gone
    if (event.check == CheckKindOf::ready) {
        on_ready_result(*checked, event, now, out);
        return;
    }
    if (event.pass) {
        if (m_live_failures >= m_config.live_failures)
            log(out, LogLevel::info, "live_again",
                fmt::format("child pid={} is live again", checked->pid),
                {{LogKey::pid, checked->pid}});
        m_live_failures = 0;
        checked->live_since_spawn = true;
        return;
    }
    m_live_detail = event.detail;
    if (!live_checks_count(now)) return;
    if (++m_live_failures == m_config.live_failures)
        log(out, LogLevel::warn, "live_check_failed",
            fmt::format("child pid={} failed {} live checks in a row ({}): /health now answers 503",
                        checked->pid, m_live_failures, event.detail),
            {{LogKey::pid, checked->pid},
             {LogKey::count, m_live_failures},
             {LogKey::detail, event.detail}});
}

void Supervisor::on_ready_result(Child& checked, const CheckResult& event, Time now, Actions& out) {
    checked.ready_failures = event.pass ? 0 : checked.ready_failures + 1;
    // Debounce: a ready child turns not ready only after --ready-failures failed checks in a
    // row; a child not yet ready turns ready on its first pass.
    const bool passing =
        event.pass || (checked.check_passing && checked.ready_failures < m_config.ready_failures);
    auto* running = std::get_if<Running>(&m_state);
    const bool restart_pending = running && running->restart_deadline;
    // A pending restart watches every failure, debounced or not: a gateway that restarts in
    // place shows itself only as a spell of failed ready checks.
    if (restart_pending && !event.pass) running->restart_unready = true;
    if (passing != checked.check_passing) {
        std::vector<LogField> fields{{LogKey::pid, checked.pid}};
        if (!passing) fields.emplace_back(LogKey::detail, event.detail);
        log(out, passing ? LogLevel::info : LogLevel::warn, passing ? "ready" : "not_ready",
            passing ? fmt::format("child pid={} is ready", checked.pid)
                    : fmt::format("child pid={} is not ready: {}", checked.pid, event.detail),
            std::move(fields));
    }
    checked.check_passing = passing;
    checked.not_ready_detail = passing ? "" : event.detail;
    if (passing) checked.ready_since_spawn = true;
    if (passing && !m_started) {
        m_started = true;
        out.emplace_back(SaveState{});
    }
    if (restart_pending && event.pass && running->restart_unready)
        finish_restart_in_place(*running, now, out);
}

void Supervisor::finish_restart_in_place(Running& running, Time, Actions& out) {
    // The gateway answered the request by restarting itself (OpenClaw without
    // OPENCLAW_SUPERVISOR_MODE=external): the same process went not ready and is ready again.
    // That is the restart: counted, /ready back, live checks count again.
    running.restart_deadline.reset();
    running.restart_sent = 0;
    running.restart_unready = false;
    ++m_stats.restarts_in_place;
    m_last_restart.outcome = RestartOutcome::in_place;
    disarm(out);
    log(out, LogLevel::info, "restarted_in_place",
        fmt::format("restarted in place: child pid={} went not ready after the restart request "
                    "and is ready again",
                    running.child.pid),
        {{LogKey::pid, running.child.pid}});
    out.emplace_back(SaveState{});
}

// ---- views of the state -------------------------------------------------------------------

const Supervisor::Child* Supervisor::child() const {
    if (const auto* s = std::get_if<Running>(&m_state)) return &s->child;
    if (const auto* s = std::get_if<Draining>(&m_state)) return &s->child;
    if (const auto* s = std::get_if<Stopping>(&m_state)) return s->child ? &*s->child : nullptr;
    return nullptr;
}

const Supervisor::Stop* Supervisor::stop() const {
    if (const auto* s = std::get_if<Draining>(&m_state)) return &s->stop;
    if (const auto* s = std::get_if<Stopping>(&m_state)) return &s->stop;
    if (const auto* s = std::get_if<Finishing>(&m_state)) return s->stop ? &*s->stop : nullptr;
    if (const auto* s = std::get_if<Exited>(&m_state)) return s->stop ? &*s->stop : nullptr;
    return nullptr;
}

int Supervisor::child_pid() const {
    const Child* c = child();
    return c ? c->pid : 0;
}

int Supervisor::checked_pid() const {
    const auto* running = std::get_if<Running>(&m_state);
    return running ? running->child.pid : 0;
}

bool Supervisor::restart_pending() const {
    const auto* running = std::get_if<Running>(&m_state);
    return running && running->restart_deadline;
}

bool Supervisor::crash_budget_spent() const {
    if (const auto* s = std::get_if<Finishing>(&m_state)) return s->budget_spent;
    if (const auto* s = std::get_if<Exited>(&m_state)) return s->budget_spent;
    return false;
}

bool Supervisor::ready() const {
    const auto* running = std::get_if<Running>(&m_state);
    return running && !running->restart_deadline && running->child.check_passing;
}

bool Supervisor::live() const {
    return !crash_budget_spent() && m_live_failures < m_config.live_failures;
}

bool Supervisor::live_checks_count(Time now) const {
    // A child on its way out (a stop, a restart it was asked for) is not hung; one that is
    // still starting is not either, until it has shown it can answer or the start period is
    // over. Only then do failures mean "hung" and count toward /health 503.
    const auto* running = std::get_if<Running>(&m_state);
    if (!running || running->restart_deadline) return false;
    const Child& c = running->child;
    const bool answered =
        (!m_config.ready_check.empty() && c.ready_since_spawn) || c.live_since_spawn;
    return answered || now - c.started_at >= m_config.live_start_period;
}

Status Supervisor::status() const {
    switch (phase()) {
        case Phase::draining:
        case Phase::stopping:
        case Phase::finishing:
        case Phase::exited:
            return Status::stopping;
        case Phase::backoff:
            return Status::backoff;
        case Phase::starting:
            return std::get<Starting>(m_state).restart ? Status::restarting : Status::starting;
        case Phase::running:
            break;
    }
    const Running& running = std::get<Running>(m_state);
    if (running.restart_deadline) return Status::restarting;
    if (!running.child.ready_since_spawn)
        return running.child.respawned ? Status::restarting : Status::starting;
    return running.child.check_passing ? Status::running : Status::unready;
}

std::optional<Reason> Supervisor::reason() const {
    if (stop()) return Reason{ReasonKind::graceful_shutdown};
    if (crash_budget_spent()) return Reason{ReasonKind::crash_budget_spent};
    switch (phase()) {
        case Phase::finishing:
        case Phase::exited:
            return Reason{ReasonKind::child_exited};
        default:
            break;
    }
    if (m_live_failures >= m_config.live_failures)
        return Reason{ReasonKind::live_check_failing, m_live_detail};
    switch (phase()) {
        case Phase::starting:
            return Reason{std::get<Starting>(m_state).restart ? ReasonKind::child_restarting
                                                              : ReasonKind::child_starting};
        case Phase::backoff:
            return Reason{ReasonKind::child_crashed};
        default:
            break;
    }
    const auto* running = std::get_if<Running>(&m_state);
    if (!running) return std::nullopt;
    if (running->restart_deadline) return Reason{ReasonKind::restart_requested};
    if (!running->child.check_passing)
        return Reason{ReasonKind::ready_check_failing, running->child.not_ready_detail};
    return std::nullopt;
}

std::optional<std::string> Supervisor::unhealthy_reason(Time now) const {
    // Faults first: they hold whatever the phase.
    if (crash_budget_spent()) return std::string("crash budget spent");
    if (m_live_failures >= m_config.live_failures)
        return "hung: live check failing: " + m_live_detail;
    switch (phase()) {
        case Phase::starting:
        case Phase::draining:
        case Phase::stopping:
            // A spawn in flight, or a stop asked for: the container is going away on purpose,
            // and a drain must not be cut short by a health watcher.
            return std::nullopt;
        case Phase::finishing:
        case Phase::exited:
            if (stop()) return std::nullopt;
            return std::string("child exited");
        case Phase::backoff:
            return std::string("child crashed, restart pending");
        case Phase::running:
            break;
    }
    const Running& running = std::get<Running>(m_state);
    if (ready()) return std::nullopt;
    // A requested restart, within its timeout: the answer to an operator, not a fault.
    if (running.restart_deadline) return std::nullopt;
    const Child& c = running.child;
    if (!c.ready_since_spawn) {
        if (m_consecutive_crashes >= 2)
            return fmt::format("crash-looping: {} crashes in a row, not ready since",
                               m_consecutive_crashes);
        if (now - c.started_at >= m_config.live_start_period)
            return fmt::format("not ready {} after its spawn (live-start-period)",
                               format_duration(m_config.live_start_period));
        return std::nullopt;  // starting, or the new child of a restart
    }
    return c.not_ready_detail.empty() ? std::string("ready check failing")
                                      : "ready check failing: " + c.not_ready_detail;
}

std::optional<std::string> Supervisor::stop_reason() const {
    if (const Stop* s = stop()) return signal_name(s->signal);
    if (!std::holds_alternative<Exited>(m_state)) return std::nullopt;
    return std::string(crash_budget_spent() ? "crash budget spent" : "child exited");
}

// ---- transitions --------------------------------------------------------------------------

void Supervisor::begin_stop(int signo, Time now, Actions& out) {
    switch (phase()) {
        case Phase::running:
        case Phase::starting: {
            Stop stop{signo, now};
            std::optional<Child> current;
            bool ready_since_spawn = false;
            if (auto* running = std::get_if<Running>(&m_state)) {
                // A stop wins over a restart in flight; the child may still answer the restart
                // request, which then counts as its clean stop (stop_exit_code).
                stop.won_restart = running->restart_deadline && now <= *running->restart_deadline;
                if (running->restart_deadline) m_last_restart.outcome = RestartOutcome::stop_won;
                ready_since_spawn = running->child.ready_since_spawn;
                current = std::move(running->child);
            }
            log(out, LogLevel::info, "stopping",
                fmt::format("Graceful shutdown initiated ({})", signal_name(signo)),
                {{LogKey::signal, signal_name(signo)}});
            out.emplace_back(SaveState{});
            if (m_config.drain_delay.count() > 0 && !ready_since_spawn) {
                // No endpoint can point at a child that has not been ready: nothing to drain.
                log(out, LogLevel::info, "drain_skipped",
                    "no drain delay: the child has not been ready since its spawn",
                    {{LogKey::reason, "not ready since spawn"}});
            }
            if (m_config.drain_delay.count() > 0 && current && ready_since_spawn) {
                m_state = Draining{std::move(*current), stop};
                log(out, LogLevel::info, "draining",
                    fmt::format("draining: not ready; forwarding {} in {}", signal_name(signo),
                                format_duration(m_config.drain_delay)),
                    {{LogKey::signal, signal_name(signo)},
                     {LogKey::delay_ms, m_config.drain_delay}});
                arm(now + m_config.drain_delay, out);
            } else {
                forward_stop(std::move(current), stop, now, out);
            }
            break;
        }
        case Phase::draining: {
            // Asked twice: the operator does not want to wait for the drain.
            auto& draining = std::get<Draining>(m_state);
            Stop stop = draining.stop;
            stop.signal = signo;
            forward_stop(std::move(draining.child), stop, now, out);
            break;
        }
        case Phase::stopping:
            // Forward again (a second Ctrl-C), but the grace deadline stays where it is.
            if (child_pid()) forward(signo, now, out);
            break;
        case Phase::backoff: {
            log(out, LogLevel::info, "stopping",
                fmt::format("Graceful shutdown initiated ({}) during backoff: no restart",
                            signal_name(signo)),
                {{LogKey::signal, signal_name(signo)}, {LogKey::reason, "during backoff"}});
            enter_finishing(m_stats.last_exit.value_or(0), now, out, false, Stop{signo, now});
            break;
        }
        case Phase::finishing:
        case Phase::exited:
            drop(signo, DropReason::stopping, now, out);
            break;
    }
}

void Supervisor::forward_stop(std::optional<Child> child, Stop stop, Time now, Actions& out) {
    const Time grace_deadline = now + m_config.grace;
    const bool has_child = child && child->pid != 0;
    m_state = Stopping{std::move(child), stop, grace_deadline, false};
    auto& stopping = std::get<Stopping>(m_state);
    if (has_child) {
        forward(stopping.stop.signal, now, out);
        stopping.stop.sent = m_forwarding[stopping.stop.signal].send;
    }
    arm(grace_deadline, out);
}

void Supervisor::request_restart(int signo, Time now, Actions& out) {
    auto* running = std::get_if<Running>(&m_state);
    if (!running) {
        // During a stop a restart would be undone at once; with no child there is nothing to
        // ask. Dropping it keeps "never restart after a stop signal" and the crash budget.
        drop(signo, no_child_reason(), now, out);
        return;
    }
    if (running->restart_deadline) {
        // The child already has its restart request; asking again would only interrupt its
        // state save. A burst of requests is one restart.
        drop(signo, DropReason::coalesced, now, out);
        return;
    }
    log(out, LogLevel::info, "restart_requested",
        fmt::format("restart requested ({}): child pid={} has {} to exit", signal_name(signo),
                    running->child.pid, format_duration(m_config.effective_restart_timeout())),
        {{LogKey::signal, signal_name(signo)},
         {LogKey::pid, running->child.pid},
         {LogKey::timeout_ms, m_config.effective_restart_timeout()}});
    forward(signo, now, out);
    ++m_last_restart.request;
    m_last_restart.outcome = RestartOutcome::pending;
    running->restart_sent = m_forwarding[signo].send;
    running->restart_unready = false;
    running->restart_deadline = now + m_config.effective_restart_timeout();
    arm(*running->restart_deadline, out);
}

void Supervisor::after_crash(int code, std::optional<Time> started_at, Time now, Actions& out) {
    const bool policy_restarts = m_config.on_crash == OnCrash::always ||
                                 (m_config.on_crash == OnCrash::on_failure && code != 0);
    if (!policy_restarts) {
        enter_finishing(code, now, out);
        return;
    }
    back_off(code, started_at, false, now, out);
}

void Supervisor::back_off(int code, std::optional<Time> started_at, bool spawn_retry, Time now,
                          Actions& out) {
    while (!m_crash_restarts.empty() && now - m_crash_restarts.front() >= m_config.restart_window)
        m_crash_restarts.pop_front();
    if (static_cast<int>(m_crash_restarts.size()) >= m_config.max_restarts) {
        log(out, LogLevel::error, "giving_up",
            fmt::format("giving up: {} restarts within {}; exiting with the child's code {}",
                        m_crash_restarts.size(), format_duration(m_config.restart_window), code),
            {{LogKey::restarts, m_crash_restarts.size()},
             {LogKey::window_ms, m_config.restart_window},
             {LogKey::exit_code, code}});
        enter_finishing(code, now, out, true);
        return;
    }
    // A child that stayed up for a whole window was healthy: its crash starts a new series.
    if (started_at && now - *started_at >= m_config.restart_window) m_consecutive_crashes = 0;
    Duration delay = m_config.backoff;
    for (int i = 0; i < m_consecutive_crashes && delay < m_config.backoff_max; ++i) delay *= 2;
    delay = std::min(delay, m_config.backoff_max);
    ++m_consecutive_crashes;
    m_crash_restarts.push_back(now);
    m_state = Backoff{spawn_retry};
    log(out, LogLevel::warn, "crashed",
        fmt::format("child crashed with code {}: restart {} of {} in {}", code,
                    m_crash_restarts.size(), m_config.max_restarts, format_duration(delay)),
        {{LogKey::exit_code, code},
         {LogKey::restarts, m_crash_restarts.size()},
         {LogKey::max_restarts, m_config.max_restarts},
         {LogKey::delay_ms, delay}});
    out.emplace_back(SaveState{});
    arm(now + delay, out);
}

void Supervisor::enter_finishing(int code, Time now, Actions& out, bool budget_spent,
                                 std::optional<Stop> new_stop) {
    // What the stop so far leaves: its record, its grace deadline, whether SIGKILL went out.
    Finishing next{code, std::move(new_stop), std::nullopt, false, budget_spent};
    if (const Stop* s = stop(); s && !next.stop) next.stop = *s;
    if (const auto* stopping = std::get_if<Stopping>(&m_state)) {
        next.grace_deadline = stopping->grace_deadline;
        next.killed = stopping->killed;
    } else if (const auto* finishing = std::get_if<Finishing>(&m_state)) {
        next.grace_deadline = finishing->grace_deadline;
        next.killed = finishing->killed;
    }
    m_state = next;
    auto& finishing = std::get<Finishing>(m_state);
    // Leftovers get the same deadline as the stop that is already running, or a full grace
    // when the child ended on its own; after a SIGKILL they get SIGKILL at once.
    if (finishing.killed) {
        out.emplace_back(Kill{SIGKILL, 0, Target::descendants});
        return;
    }
    out.emplace_back(Kill{SIGTERM, 0, Target::descendants});
    if (!finishing.grace_deadline) finishing.grace_deadline = now + m_config.grace;
    arm(*finishing.grace_deadline, out);
}

void Supervisor::spawn(bool restart, Actions& out) {
    m_state = Starting{restart};
    out.emplace_back(Spawn{});
}

void Supervisor::forward(int signo, Time now, Actions& out) {
    const SignalRoute route = m_forwarding[signo];
    if (route.send == 0) {
        drop(signo, DropReason::rewritten, now, out);
        return;
    }
    // The kill goes first: the log line is for people, the signal is the hot path.
    const int pid = child_pid();
    out.emplace_back(Kill{route.send, pid, route.target});
    record_forward(signo, route.send, pid, out);
}

void Supervisor::record_forward(int signo, int sent_as, int pid, Actions& out) {
    ++m_stats.forwarded[sent_as];
    log(out, LogLevel::info, "forwarded",
        sent_as == signo ? fmt::format("forwarding {} to pid={}", signal_name(signo), pid)
                         : fmt::format("forwarding {} as {} to pid={}", signal_name(signo),
                                       signal_name(sent_as), pid),
        {{LogKey::signal, signal_name(signo)},
         {LogKey::sent_as, signal_name(sent_as)},
         {LogKey::pid, pid}});
}

void Supervisor::drop(int signo, DropReason reason, Time now, Actions& out) {
    ++m_stats.dropped[{signo, reason}];
    // Info, so a signal that went nowhere is visible at the default level; rate-limited per
    // signal and reason, so a loop sending it cannot flood the log.
    auto [it, first] = m_drop_log.try_emplace({signo, reason}, DropLog{now, 0});
    DropLog& entry = it->second;
    if (!first && now - entry.last < k_drop_log_interval) {
        ++entry.unlogged;
        return;
    }
    const std::string more =
        entry.unlogged ? fmt::format(" ({} more since the last report)", entry.unlogged) : "";
    const std::uint64_t unlogged = entry.unlogged;
    entry = DropLog{now, 0};
    log(out, LogLevel::info, "dropped",
        fmt::format("{} dropped: {}{}", signal_name(signo), drop_explanation(reason), more),
        {{LogKey::signal, signal_name(signo)},
         {LogKey::reason, drop_reason_name(reason)},
         {LogKey::count, unlogged + 1}});
}

DropReason Supervisor::no_child_reason() const {
    switch (phase()) {
        case Phase::backoff:
            return DropReason::backoff;
        case Phase::draining:
        case Phase::stopping:
        case Phase::finishing:
        case Phase::exited:
            return DropReason::stopping;
        case Phase::starting:
        case Phase::running:
            break;
    }
    return DropReason::no_child;
}

void Supervisor::log_child_end(int pid, int wait_status, int code, Actions& out) {
    // Name the forwarded stop signal as the cause: "exited with code 143" alone reads like a
    // crash when it is a child that died of our SIGTERM (Node before its handler is set up).
    const int stop_sent = stop() ? stop()->sent : 0;
    const auto* stopping = std::get_if<Stopping>(&m_state);
    const bool killed = stopping && stopping->killed;
    std::string cause;
    std::string_view reason;
    if (stop_sent != 0 && WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == stop_sent) {
        cause = fmt::format(": stopped by {} (forwarded)", signal_name(stop_sent));
        reason = "stop forwarded";
    } else if (stop_sent != 0 && WIFEXITED(wait_status) && code == 128 + stop_sent) {
        cause = fmt::format(": stopped by {} (forwarded; reported as exit code {})",
                            signal_name(stop_sent), code);
        reason = "stop forwarded";
    } else if (killed && WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL) {
        cause = ": killed by SIGKILL (grace expired)";
        reason = "grace expired";
    }
    // signal: what ended it (absent for an exit); reason: why, when clawinit caused it.
    std::vector<LogField> fields{{LogKey::pid, pid}, {LogKey::exit_code, code}};
    if (WIFSIGNALED(wait_status))
        fields.emplace_back(LogKey::signal, signal_name(WTERMSIG(wait_status)));
    if (!reason.empty()) fields.emplace_back(LogKey::reason, reason);
    log(out, LogLevel::info, "exited",
        fmt::format("child pid={} exited with code {}{}", pid, code, cause), std::move(fields));
}

int Supervisor::stop_exit_code(int code, Actions& out) const {
    // The child did what the restart signal asked (exit with a restart code); the stop that
    // arrived meanwhile only means no new child. That is a clean stop: exit 0, not the
    // restart's code, so `docker stop` and `stop --wait` do not report a failure.
    const bool won_restart = stop() && stop()->won_restart;
    if (!won_restart || !is_restart_code(code) || code == 0) return code;
    log(out, LogLevel::info, "stop_won_restart",
        fmt::format("the child answered the pending restart request with code {}; the stop "
                    "won, so this is a clean stop: exit code 0",
                    code),
        {{LogKey::exit_code, code}});
    return 0;
}

void Supervisor::arm(Time deadline, Actions& out) {
    m_deadline = deadline;
    out.emplace_back(ArmTimer{deadline});
}

void Supervisor::disarm(Actions& out) {
    if (!m_deadline) return;
    m_deadline.reset();
    out.emplace_back(CancelTimer{});
}

// ---- lookups ------------------------------------------------------------------------------

bool Supervisor::answers_restart(const Running& running, int wait_status, int code,
                                 Time now) const {
    if (!running.restart_deadline || now > *running.restart_deadline) return false;
    if (is_restart_code(code)) return true;
    // Death by the signal we sent, or a shell's 128+N for it: the gateway got the request
    // before it had a handler (Node in its first seconds), which is an answer, not a crash.
    const int sent = running.restart_sent;
    return sent != 0 && ((WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == sent) ||
                         (WIFEXITED(wait_status) && code == 128 + sent));
}

bool Supervisor::is_restart_code(int code) const {
    const auto& c = m_config.restart_exit_codes;
    return std::find(c.begin(), c.end(), code) != c.end();
}

}  // namespace clawinit
