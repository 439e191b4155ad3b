// Which clawinit a subcommand talks to: its pid (for signals) and its probe address (for
// status and --wait). Defaults fit `docker exec` / `kubectl exec`: PID 1, and the probe
// address from the same config and CLAWINIT_* environment the container runs with.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/endpoint.hpp"

namespace clawinit {

// --pid wins, then --pid-file, then PID 1 if it is clawinit. When PID 1 is an init in front
// of clawinit (`docker run --init`: docker-init, podman-init, catatonit; a pod sharing its
// process namespace: the pause process), the pid clawinit's probe publishes in /status
// (`published_pid`, asked only then), and last a scan of /proc for the one clawinit
// supervisor. Throws TargetError when the process is missing or is not clawinit (its /proc
// comm and argv[0] both say otherwise): nothing else is ever signalled.
struct TargetError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
pid_t find_target(const std::string& pid_option, const std::string& pid_file,
                  const std::function<std::optional<pid_t>()>& published_pid = {});

// One process as /proc shows it, for choose_supervisor.
struct ProcessInfo {
    pid_t pid{0};
    pid_t ppid{0};
    std::string comm;               // /proc/PID/comm
    std::vector<std::string> argv;  // /proc/PID/cmdline
};
// Pure: whether a process is clawinit (comm or argv[0]'s base name), and a supervisor rather
// than a client (`clawinit stop`, an exec check's `clawinit probe live`).
bool is_clawinit(const ProcessInfo& process);
bool is_clawinit_supervisor(const ProcessInfo& process);
// Pure: the one clawinit supervisor among `processes` (not `self`); a nested clawinit (whose
// parent is a clawinit supervisor too) yields to the outer one. nullopt with `why` set when
// there is none or more than one.
std::optional<pid_t> choose_supervisor(const std::vector<ProcessInfo>& processes, pid_t self,
                                       std::string& why);

// The address to reach a probe server listening on `listen` from the same host:
// 0.0.0.0 -> 127.0.0.1, :: -> ::1. nullopt for "off". A `--probe ADDR` text converts to a
// ListenOption, which parses it (ValueError if it is not IP:PORT).
std::optional<IpEndpoint> probe_address(const ListenOption& listen);

// The pid file of `clawinit --pid-file`: written atomically before the spawn, removed at exit
// if it still names us.
void write_pid_file(const std::string& path, pid_t pid);
void remove_pid_file(const std::string& path, pid_t pid);

}  // namespace clawinit
