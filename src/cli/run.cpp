#include "cli/run.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/nested.hpp"
#include "cli/subcommands.hpp"
#include "cli/target.hpp"
#include "config/load.hpp"
#include "config/signal_names.hpp"
#include "log/logger.hpp"
#include "runtime/runtime.hpp"
#include "sys/leave.hpp"
#include "sys/signals.hpp"
#include "sys/user.hpp"

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

// Everything that can still fail loudly happens here, before the child exists (catatonit's
// rule: after the spawn, PID 1 must not die by accident).
int supervise(const Config& given) {
    init_logging(given.log_format, given.log_level);
    // A clawinit started by a clawinit steps aside (cli/nested.hpp); every child learns our pid.
    if (nested_under_clawinit(std::getenv(k_parent_variable), ::getppid())) return exec_in_place(given);
    Config config = given;
    config.env.push_back(parent_marker(::getpid()));
    std::optional<UserIds> user;
    if (!config.user.empty()) user = resolve_user(config.user);

    if (config.pdeath_signal != 0 && ::prctl(PR_SET_PDEATHSIG, config.pdeath_signal) != 0)
        throw ConfigError(fmt::format("prctl(PR_SET_PDEATHSIG, {}) failed", signal_name(config.pdeath_signal)));
    if (::getpid() != 1) {
        // Not PID 1 (docker run without --init, a shared PID namespace, a plain host): become a
        // subreaper so orphans still come to us instead of to the real init.
        if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
            log_line(LogLevel::warn, "prctl(PR_SET_CHILD_SUBREAPER) failed: orphans will not be reaped here");
        else
            log_line(LogLevel::debug, fmt::format("not PID 1 (pid {}): running as child subreaper", ::getpid()));
    }
    const sigset_t child_mask = block_signals();
    Runtime runtime(config, child_mask, std::move(user));
    if (!config.pid_file.empty()) write_pid_file(config.pid_file, ::getpid());
    const int code = runtime.run();
    if (!config.pid_file.empty()) remove_pid_file(config.pid_file, ::getpid());
    leave(code);  // everything is written; the destructors would only cost page faults
}

}  // namespace

int run_cli(int argc, char** argv) {
    try {
        const std::vector<std::string> args(argv + 1, argv + argc);
        // `clawinit stop` is the subcommand; a gateway called "stop" is `clawinit -- stop`.
        if (!args.empty() && is_subcommand(args.front()))
            return run_subcommand(args, current_environment());
        const Invocation invocation = parse_invocation(args, current_environment());
        switch (invocation.kind) {
            case InvocationKind::help: std::fputs(help_text().c_str(), stdout); return 0;
            case InvocationKind::version: std::printf("clawinit %s\n", CLAWINIT_VERSION); return 0;
            case InvocationKind::run: return supervise(invocation.config);
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
