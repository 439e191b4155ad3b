// The facts a log line carries besides its message, as plain data: the Supervisor's Log
// action (core/supervisor.hpp) carries them, log/fields.hpp writes them as JSON members. Here,
// header-only, so core builds its lines without depending on log/.
#pragma once

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace clawinit {

// Every field name a log line can carry, in one place: a shipper's index is built on them.
enum class LogKey {
    pid,           // the child's (or a signalled process's) pid
    command,       // the child's command line
    signal,        // a signal's name: "SIGTERM"
    sent_as,       // the signal actually sent, after --rewrite
    exit_code,     // the child's exit code, or clawinit's own on "exiting"
    reason,        // why: a drop reason, a stop reason, an error text
    detail,        // a check's output or a failed call's description
    restart,       // bool: this spawn is a restart
    restarts,      // restarts so far (in the window, for crash restarts)
    max_restarts,  // --max-restarts
    killed,        // bool: SIGKILL was needed
    count,         // how many (signals dropped, checks failed, lines lost)
    duration_ms,   // how long something took
    delay_ms,      // a wait ahead: backoff, drain
    timeout_ms,    // a limit: grace, restart timeout
    window_ms,     // --restart-window
};
inline constexpr std::size_t k_log_key_count = static_cast<std::size_t>(LogKey::window_ms) + 1;

struct LogField {
    using Value = std::variant<std::int64_t, std::uint64_t, double, bool, std::string>;

    LogField(LogKey k, bool v) : key(k), value(v) {}
    LogField(LogKey k, std::signed_integral auto v) : key(k), value(std::int64_t{v}) {}
    LogField(LogKey k, std::unsigned_integral auto v) : key(k), value(std::uint64_t{v}) {}
    LogField(LogKey k, std::floating_point auto v) : key(k), value(double{v}) {}
    LogField(LogKey k, std::string v) : key(k), value(std::move(v)) {}
    LogField(LogKey k, std::string_view v) : key(k), value(std::string(v)) {}
    LogField(LogKey k, const char* v) : key(k), value(std::string(v)) {}
    // Whole milliseconds: the unit the *_ms keys promise.
    template <typename Rep, typename Period>
    LogField(LogKey k, std::chrono::duration<Rep, Period> v)
        : key(k),
          value(std::int64_t{std::chrono::duration_cast<std::chrono::milliseconds>(v).count()}) {}

    LogKey key;
    Value value;
};

}  // namespace clawinit
