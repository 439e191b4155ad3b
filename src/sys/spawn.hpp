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

// none: the child gets its own session (setsid), as in every container without -t.
// foreground: clawinit's stdin is a terminal whose foreground group is clawinit's (`docker run
// -it`); the child stays in clawinit's session, in a group of its own, and takes the terminal's
// foreground, so Ctrl-C/Ctrl-Z/Ctrl-\ reach the child's job and the shell has job control.
enum class TerminalMode { none, foreground };

struct SpawnSpec {
    std::vector<std::string> command;  // argv; command[0] is looked up in PATH if it has no '/'
    std::vector<std::string> env;      // complete KEY=VALUE environment of the child
    std::optional<UserIds> user;       // drop to these ids before exec
    sigset_t child_mask{};             // the mask clawinit inherited, restored in the child
    std::optional<rlimit> fd_limit;  // RLIMIT_NOFILE clawinit started with, when it raised its own
    TerminalMode terminal{TerminalMode::none};
};

// Where in the child the spawn failed: the user switch (needs root) or the exec itself.
enum class SpawnStep { exec, setgroups, setgid, setuid };

struct SpawnOutcome {
    int pid{0};    // > 0 when the child runs
    int error{0};  // errno of the failed lookup, fork, user switch or exec; 0 on success
    SpawnStep failed_step{SpawnStep::exec};
};

// foreground when stdin is a terminal and clawinit's group is its foreground group.
TerminalMode detect_terminal();

// After the child has exited: give the terminal's foreground back to clawinit's own group, so
// the terminal does not stay with a dead group. SIGTTOU is blocked in clawinit, which is what
// lets a background group call tcsetpgrp (and write to the terminal under `stty tostop`).
void reclaim_terminal();

// The one line that explains a failed user switch: which user, clawinit's own uid, the fix.
std::string user_switch_failure(const std::string& user_spec, const UserIds& ids,
                                const SpawnOutcome& outcome);

// The environment clawinit passes on: its own, with each KEY=VALUE of `changes` replacing KEY
// in place or adding it at the end, and each bare KEY removing KEY.
std::vector<std::string> child_environment(char** environ_now,
                                           const std::vector<std::string>& changes);

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
