#include "cli/run.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <system_error>
#include <vector>

#include "cli/nested.hpp"
#include "cli/subcommands.hpp"
#include "cli/target.hpp"
#include "config/load.hpp"
#include "config/signal_names.hpp"
#include "config/warnings.hpp"
#include "core/build_info.hpp"
#include "log/logger.hpp"
#include "runtime/runtime.hpp"
#include "sys/leave.hpp"
#include "sys/parent_death.hpp"
#include "sys/signals.hpp"

extern char** environ;

namespace clawinit {

namespace {

constexpr int k_usage_error = 2;

Environment current_environment() {
    Environment env;
    for (char** e = environ; e && *e; ++e) {
        std::string entry(*e);
        const auto eq = entry.find('=');
        if (eq != std::string::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
    }
    return env;
}

// The parent died before PR_SET_PDEATHSIG was in place: the kernel will never send the signal,
// so send it ourselves. Signals are blocked by now, so it waits in the signalfd and takes the
// path a real one would (for SIGTERM: the graceful stop, right after the spawn). sigqueue, not
// kill: a plain kill() to ourselves reads as SI_USER from our own pid, which the signal loop
// takes for a signal clawinit caused (a SIGPIPE of its own write) and keeps from the child.
void queue_parent_death(int signal, pid_t parent_at_start) {
    log_event(LogLevel::warn, "parent_gone",
              fmt::format("parent pid {} exited before --pdeath-signal was set up: acting as if "
                          "{} arrived",
                          parent_at_start, signal_name(signal)),
              {{LogKey::pid, parent_at_start}, {LogKey::signal, signal_name(signal)}});
    ::sigqueue(::getpid(), signal, sigval{});
}

// Everything that can still fail loudly happens here, before the child exists (catatonit's
// rule: after the spawn, PID 1 must not die by accident). The config, --user included, was
// checked when it was loaded.
int supervise(const Config& given, pid_t parent_at_start) {
    init_logging(given.log_format, given.log_level);
    // A clawinit started by a clawinit steps aside (cli/nested.hpp); every child learns our pid.
    if (nested_under_clawinit(std::getenv(k_parent_variable), ::getppid()))
        return exec_in_place(given);
    Config config = given;
    config.env.push_back(parent_marker(::getpid()));
    for (const std::string& warning : config_warnings(config))
        log_event(LogLevel::warn, "config_warning", warning, {{LogKey::detail, warning}});
    if (::getpid() != 1) {
        // Not PID 1 (docker run without --init, a shared PID namespace, a plain host): become a
        // subreaper so orphans still come to us instead of to the real init.
        if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
            log_event(LogLevel::warn, "subreaper_failed",
                      "prctl(PR_SET_CHILD_SUBREAPER) failed: orphans will not be reaped here",
                      {{LogKey::reason, std::strerror(errno)}});
        else
            log_event(LogLevel::debug, "subreaper",
                      fmt::format("not PID 1 (pid {}): running as child subreaper", ::getpid()),
                      {{LogKey::pid, ::getpid()}});
    }
    // Blocked first, so a parent death signal that comes at once is queued, not fatal.
    const sigset_t child_mask = block_signals();
    if (config.pdeath_signal != 0) {
        bool gone = false;
        try {
            gone = set_parent_death_signal(config.pdeath_signal, parent_at_start);
        } catch (const std::system_error& error) {
            throw ConfigError(fmt::format("--pdeath-signal {}: {}",
                                          signal_name(config.pdeath_signal), error.what()));
        }
        if (gone) queue_parent_death(config.pdeath_signal, parent_at_start);
    }
    Runtime runtime(config, child_mask, config.user_ids);
    if (!config.pid_file.empty()) write_pid_file(config.pid_file, ::getpid());
    const int code = runtime.run();
    if (!config.pid_file.empty()) remove_pid_file(config.pid_file, ::getpid());
    // The last lines (the exit code) are worth a short wait for a slow reader, not more.
    log_flush_before_exit(std::chrono::milliseconds(500));
    leave(code);  // everything is written; the destructors would only cost page faults
}

}  // namespace

int run_cli(int argc, char** argv) {
    // First thing: the parent a later --pdeath-signal check compares with.
    const pid_t parent_at_start = ::getppid();
    try {
        const std::vector<std::string> args(argv + 1, argv + argc);
        // `clawinit stop` is the subcommand; a gateway called "stop" is `clawinit -- stop`.
        if (!args.empty() && is_subcommand(args.front()))
            return run_subcommand(args, current_environment());
        const Invocation invocation = parse_invocation(args, current_environment());
        switch (invocation.kind) {
            case InvocationKind::help:
                std::fputs(help_text().c_str(), stdout);
                return 0;
            case InvocationKind::version:
                std::fputs(fmt::format("clawinit {} (commit {}, linux-{})\n", build_info().version,
                                       build_info().commit, build_info().arch)
                               .c_str(),
                           stdout);
                return 0;
            case InvocationKind::run:
                return supervise(invocation.config, parent_at_start);
        }
    } catch (const ConfigError& error) {
        std::fprintf(stderr, "clawinit: error: %s\n", error.what());
        return k_usage_error;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "clawinit: fatal: %s\n", error.what());
        return k_usage_error;
    }
    return k_usage_error;
}

}  // namespace clawinit
