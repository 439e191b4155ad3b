// /status, the contract between a running clawinit and its clients (`clawinit status`,
// `restart --wait`, `stop`, scripts): each key is named once here, written with the JSON writer
// and read back into the same struct, so no client compares or parses status text itself.
//
//   {"status":"running","uptime":12345,"child":{"pid":42,"restarts":1,"last_exit":1},
//    "reason":"...","restart_signal":"SIGUSR1","restart_timeout":8,"stop_timeout":8,"pid":1,
//    "last_restart":{"request":1,"outcome":"respawned"}}
// Key order is fixed (status, uptime, child, reason, ...) so the seed article's
// {"status":"running","uptime":12345} stays a prefix of what clients see; "reason" is absent
// when there is none, "restart_signal" when none is configured, "pid" when unknown.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.hpp"
#include "probe/snapshot.hpp"

namespace clawinit {

namespace status_key {
inline constexpr std::string_view status = "status";
inline constexpr std::string_view uptime = "uptime";
inline constexpr std::string_view child = "child";  // {pid, restarts, last_exit}
inline constexpr std::string_view child_pid = "pid";
inline constexpr std::string_view restarts = "restarts";
inline constexpr std::string_view last_exit = "last_exit";
inline constexpr std::string_view reason = "reason";
inline constexpr std::string_view restart_signal = "restart_signal";
inline constexpr std::string_view restart_timeout = "restart_timeout";  // seconds
inline constexpr std::string_view stop_timeout = "stop_timeout";        // drain + grace, seconds
inline constexpr std::string_view pid = "pid";  // clawinit's own, in its PID namespace
inline constexpr std::string_view last_restart = "last_restart";  // {request, outcome}
inline constexpr std::string_view request = "request";
inline constexpr std::string_view outcome = "outcome";
}  // namespace status_key

struct StatusDocument {
    Status status{Status::starting};
    std::optional<std::string> reason;  // Reason::text(): for people
    std::uint64_t uptime_seconds{0};
    int child_pid{0};  // 0: no child (null)
    std::uint64_t restarts{0};
    std::optional<int> last_exit;
    int restart_signal{0};  // 0: none configured (absent)
    double restart_timeout_seconds{0};
    double stop_timeout_seconds{0};
    int pid{0};  // 0: absent (an older clawinit)
    LastRestart last_restart;

    bool operator==(const StatusDocument&) const = default;
};

// What the probe server answers, from the runtime's snapshot.
StatusDocument status_document(const ProbeSnapshot& snapshot);

// One line of compact JSON, without a trailing newline. Pure.
std::string status_json(const StatusDocument& doc);

// The client's side: nullopt unless `body` is a /status document (status a known word, the
// numbers of their types); `error` then says why. Keys added by a newer clawinit are ignored,
// and last_restart, pid and restart_signal may be absent (an older one).
std::optional<StatusDocument> parse_status(std::string_view body, std::string* error = nullptr);

}  // namespace clawinit
