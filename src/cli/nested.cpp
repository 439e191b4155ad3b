#include "cli/nested.hpp"

#include <fmt/format.h>
#include <grp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "config/child_env.hpp"
#include "core/exit_code.hpp"
#include "log/logger.hpp"
#include "sys/spawn.hpp"
#include "sys/user.hpp"

extern char** environ;

namespace clawinit {

namespace {

// The user switch of the inner clawinit; already that user (the outer one switched) is fine.
SpawnOutcome switch_user(const UserIds& ids) {
    SpawnOutcome outcome;
    if (::getuid() == ids.uid && ::geteuid() == ids.uid && ::getgid() == ids.gid) return outcome;
    auto failed = [&](SpawnStep step) {
        outcome.error = errno;
        outcome.failed_step = step;
        return outcome;
    };
    if (::setgroups(ids.groups.size(), ids.groups.data()) != 0) return failed(SpawnStep::setgroups);
    if (::setgid(ids.gid) != 0) return failed(SpawnStep::setgid);
    if (::setuid(ids.uid) != 0) return failed(SpawnStep::setuid);
    return outcome;
}

}  // namespace

bool nested_under_clawinit(const char* parent_value, int parent_pid) {
    if (!parent_value || !*parent_value || parent_pid <= 0) return false;
    char* end = nullptr;
    errno = 0;
    const long value = std::strtol(parent_value, &end, 10);
    return errno == 0 && *end == '\0' && value == parent_pid;
}

std::string parent_marker(int own_pid) {
    return fmt::format("{}={}", k_parent_variable, own_pid);
}

int exec_in_place(const Config& config) {
    const std::string& name = config.command.front();
    log_event(LogLevel::info, "nested",
              fmt::format("parent pid {} is clawinit: running '{}' in place, supervised by it "
                          "(this clawinit's options other than --env and --user do not apply)",
                          ::getppid(), name),
              {{LogKey::pid, ::getppid()}, {LogKey::command, name}});
    if (!config.user.empty()) {
        const UserIds ids = resolve_user(config.user);
        const SpawnOutcome outcome = switch_user(ids);
        if (outcome.error) {
            const std::string failure = user_switch_failure(config.user, ids, outcome);
            log_event(LogLevel::error, "spawn_failed", failure,
                      {{LogKey::command, name}, {LogKey::reason, failure}});
            return exec_failure_exit_code(outcome.error);
        }
    }
    // As the outer clawinit would: the user switch's HOME, USER, LOGNAME, SHELL, then `env`.
    const std::vector<std::string> env = child_environment(environ, environment_changes(config));
    int error = 0;
    const std::string executable = resolve_executable(name, env, error);
    if (!error) {
        std::vector<char*> argv;
        for (const auto& arg : config.command) argv.push_back(const_cast<char*>(arg.c_str()));
        argv.push_back(nullptr);
        std::vector<char*> envp;
        for (const auto& entry : env) envp.push_back(const_cast<char*>(entry.c_str()));
        envp.push_back(nullptr);
        ::execve(executable.c_str(), argv.data(), envp.data());
        error = errno;
    }
    log_event(LogLevel::error, "spawn_failed",
              fmt::format("cannot run '{}': {}", name, std::strerror(error)),
              {{LogKey::command, name}, {LogKey::reason, std::strerror(error)}});
    return exec_failure_exit_code(error);
}

}  // namespace clawinit
