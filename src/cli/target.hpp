// Which clawinit a subcommand talks to: its pid (for signals) and its probe address (for
// status and --wait). Defaults fit `docker exec` / `kubectl exec`: PID 1, and the probe
// address from the same config and CLAWINIT_* environment the container runs with.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "config/config.hpp"
#include "config/endpoint.hpp"

namespace clawinit {

// --pid wins, then --pid-file, then 1. Throws TargetError when the process is missing or is
// not clawinit (its /proc comm and argv[0] both say otherwise).
struct TargetError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
pid_t find_target(const std::string& pid_option, const std::string& pid_file);

// The address to reach a probe server listening on `listen` from the same host:
// 0.0.0.0 -> 127.0.0.1, :: -> ::1. nullopt for "off". A `--probe ADDR` text converts to a
// ListenOption, which parses it (ValueError if it is not IP:PORT).
std::optional<IpEndpoint> probe_address(const ListenOption& listen);

// The pid file of `clawinit --pid-file`: written atomically before the spawn, removed at exit
// if it still names us.
void write_pid_file(const std::string& path, pid_t pid);
void remove_pid_file(const std::string& path, pid_t pid);

}  // namespace clawinit
