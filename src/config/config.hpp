// The effective configuration of one clawinit run: every option of README "Options",
// already parsed into the values the run uses (durations, signal numbers, endpoints, check
// targets), so nothing downstream parses option text again. Built by config/load.cpp from flags,
// CLAWINIT_* env, the YAML file and defaults (in that precedence); read-only afterwards.
#pragma once

#include <chrono>
#include <csignal>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "config/endpoint.hpp"
#include "sys/user.hpp"

namespace clawinit {

using Duration = std::chrono::milliseconds;

enum class OnCrash { never, on_failure, always };
enum class KillScope { child, group };
enum class LogFormat { text, json };
enum class LogLevel { trace, debug, info, warn, error, off };

// The one name of each level: what --log-level takes and what every log line prints (JSON
// "level", the text line's level word), so a shipper's filter and the flag read the same.
// --log-level also takes `warning` (spdlog's and journald's word) for warn.
constexpr std::string_view log_level_name(LogLevel level) {
    switch (level) {
        case LogLevel::trace:
            return "trace";
        case LogLevel::debug:
            return "debug";
        case LogLevel::info:
            return "info";
        case LogLevel::warn:
            return "warn";
        case LogLevel::error:
            return "error";
        case LogLevel::off:
            return "off";
    }
    return "off";
}

// A user-facing configuration mistake, found before anything is spawned. main() prints
// what() as one line and exits 2.
struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Config {
    Duration grace{std::chrono::seconds(8)};
    Duration drain_delay{0};
    std::vector<int> restart_signals{SIGUSR1};
    std::vector<int> restart_exit_codes{1};
    std::optional<Duration> restart_timeout;  // unset: same as grace
    OnCrash on_crash{OnCrash::never};
    int max_restarts{5};
    Duration restart_window{std::chrono::seconds(60)};
    Duration backoff{std::chrono::seconds(1)};
    Duration backoff_max{std::chrono::seconds(30)};
    KillScope kill_scope{KillScope::group};
    std::map<int, int> rewrite;                 // received signal -> forwarded signal (0 drops it)
    ListenOption probe_listen{"0.0.0.0:8899"};  // "off" disables the probe server
    CheckOption ready_check;                    // empty: ready = child running
    CheckOption live_check;
    int live_failures{3};
    // Failed ready checks in a row before a ready child counts as not ready (a debounce: one
    // slow answer does not pull the pod out of its Service).
    int ready_failures{1};
    // Live checks fail while a child starts (nothing listens yet); they count only once the
    // child has been ready or passed one since its spawn, or this long after the spawn.
    Duration live_start_period{std::chrono::seconds(60)};
    Duration check_interval{std::chrono::seconds(2)};
    // The ready check's period while the child is not ready or a restart is pending: how soon
    // clawinit's /ready follows the gateway's own readiness.
    Duration not_ready_interval{std::chrono::milliseconds(250)};
    Duration check_timeout{std::chrono::seconds(1)};
    std::string state_dir;
    std::string pid_file;
    std::string user;  // USER[:GROUP], empty: unchanged
    // `user` resolved when it was read (names from /etc/passwd and /etc/group), so an unknown
    // name is a config error with its position, and the spawn only uses numbers.
    std::optional<UserIds> user_ids;
    // `user` did not resolve: the load's error (with where the value came from) unless a later
    // source sets `user` again (config/value_error.hpp, UnresolvedName).
    std::string user_error;
    std::vector<std::string> env;  // K=V for the child, on top of clawinit's environment
    std::map<int, int> remap_exit;
    int pdeath_signal{0};
    LogFormat log_format{LogFormat::text};
    LogLevel log_level{LogLevel::info};

    std::string config_file;           // where the YAML came from, if any
    std::vector<std::string> command;  // COMMAND ARG...; from the CLI or the file's `command`

    Duration effective_restart_timeout() const { return restart_timeout.value_or(grace); }
};

}  // namespace clawinit
