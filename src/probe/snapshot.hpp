// What the probe server may know about clawinit: a plain copy of the state, taken by the
// runtime when a request arrives. The pure request -> response function (probe/answer.hpp)
// reads only this, so every answer is testable without a socket or a process.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "core/status.hpp"

namespace clawinit {

struct ProbeSnapshot {
    Status status{Status::starting};    // Supervisor::status()
    std::optional<std::string> reason;  // Supervisor::reason(): the only source of reasons
    bool live{true};      // /health: false when live checks fail or the crash budget is spent
    bool ready{false};    // /ready: child runs, its ready check passes, no stop under way
    bool started{false};  // /startup: the child has been ready once
    // /healthcheck (Docker HEALTHCHECK): Supervisor::unhealthy_reason(), nullopt = healthy
    std::optional<std::string> unhealthy_reason;
    double uptime_seconds{0};  // since clawinit started
    int child_pid{0};          // 0: no child right now
    std::uint64_t restarts{0};
    std::optional<int> last_exit;

    // What a `clawinit stop/restart` client needs to know, published so that one run with
    // another environment or no config (docker/kubectl exec) still does the right thing.
    int restart_signal{0};  // the first --restart-signal: what `restart` sends
    double restart_timeout_seconds{0};
    double stop_timeout_seconds{0};  // drain delay + grace: the longest a stop takes
    // clawinit's own pid in its PID namespace: a client in that namespace finds it when it is
    // not PID 1 (`docker run --init`, a pod sharing its process namespace).
    int pid{0};

    // /metrics
    std::uint64_t restarts_signal{0};
    std::uint64_t restarts_crash{0};
    std::uint64_t restarts_in_place{0};
    std::map<int, std::uint64_t> forwarded;                       // signal number -> count
    std::map<int, std::uint64_t> exits;                           // exit code -> count
    std::map<std::pair<int, DropReason>, std::uint64_t> dropped;  // (signal, why) -> count
    std::uint64_t zombies_reaped{0};
    std::optional<double> last_stop_seconds;
    std::optional<double> last_state_save_seconds;
    std::uint64_t log_lines_dropped{0};  // never reached stderr (stalled or closed reader)
};

}  // namespace clawinit
