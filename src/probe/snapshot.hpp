// What the probe server may know about clawinit: a plain copy of the state, taken by the
// runtime when a request arrives. The pure request -> response function (probe/answer.hpp)
// reads only this, so every answer is testable without a socket or a process.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace clawinit {

struct ProbeSnapshot {
    std::string status{"starting"};  // starting | running | restarting | backoff | stopping
    std::optional<std::string> reason;  // "graceful shutdown" while stopping, else why not ready/live
    bool live{true};      // /health: false when live checks fail or the crash budget is spent
    bool ready{false};    // /ready: child runs, its ready check passes, no stop under way
    bool started{false};  // /startup: the child has been ready once
    double uptime_seconds{0};  // since clawinit started
    int child_pid{0};          // 0: no child right now
    std::uint64_t restarts{0};
    std::optional<int> last_exit;

    // /metrics
    std::uint64_t restarts_signal{0};
    std::uint64_t restarts_crash{0};
    std::map<int, std::uint64_t> forwarded;  // signal number -> count
    std::map<int, std::uint64_t> exits;      // exit code -> count
    std::uint64_t zombies_reaped{0};
    std::optional<double> last_stop_seconds;
    std::optional<double> last_state_save_seconds;
    std::uint64_t log_lines_dropped{0};  // never reached stderr (stalled or closed reader)
};

}  // namespace clawinit
