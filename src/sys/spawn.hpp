// Starting the gateway: Boost.Process v2 forks and execs, then we detach the handle at once,
// because clawinit's reaper must stay the only caller of waitpid().
#pragma once

#include <signal.h>
#include <sys/resource.h>

#include <optional>
#include <string>
#include <vector>

#include "sys/user.hpp"

namespace clawinit {

struct SpawnSpec {
    std::vector<std::string> command;   // argv; command[0] is looked up in PATH if it has no '/'
    std::vector<std::string> env;       // complete KEY=VALUE environment of the child
    std::optional<UserIds> user;        // drop to these ids before exec
    sigset_t child_mask{};              // the mask clawinit inherited, restored in the child
    std::optional<rlimit> fd_limit;     // RLIMIT_NOFILE clawinit started with, when it raised its own
};

struct SpawnOutcome {
    int pid{0};    // > 0 when the child runs
    int error{0};  // errno of the failed lookup, fork or exec; 0 on success
};

// The environment clawinit passes on: its own, with each KEY=VALUE of `extra` replacing or
// adding KEY.
std::vector<std::string> child_environment(char** environ_now, const std::vector<std::string>& extra);

// PATH lookup like execvp, without running anything: ENOENT if nothing is found, EACCES if
// only non-executable matches exist.
std::string resolve_executable(const std::string& name, const std::vector<std::string>& env,
                               int& error);

// Raises clawinit's soft RLIMIT_NOFILE to the hard limit (probe connections and spawns must
// not run out at a low default) and returns the limit it had, for the child; nullopt when
// nothing changed.
std::optional<rlimit> raise_fd_limit();

// Builds the one event-loop context every spawn uses, while descriptors are still plentiful:
// after that a spawn needs only its exec-status pipe and (if it can get one) a pidfd.
void prepare_spawning();

// Forks and execs the child (Boost.Process v2), then detaches it: the reaper alone waits.
SpawnOutcome spawn_child(const SpawnSpec& spec);

}  // namespace clawinit
