// The facts a log line carries besides its message: an event name and typed fields, written as
// JSON members with --log-format json so a log shipper (Loki, Elasticsearch, Cloud Logging)
// can index them:
//
//   {"time":"...","level":"info","logger":"clawinit","msg":"spawned pid=2 command=\"sh -c x\"",
//    "event":"spawned","pid":2,"command":"sh -c x"}
//
// The message stays for people and is the whole of a text line. Plain data and one pure
// function, so the decision code can build fields without linking the logger.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <span>
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

std::string_view log_key_name(LogKey key);

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

// `,"event":"<event>","pid":2,...`: the members that follow "msg" in a JSON line, in the order
// given; a key given twice is written once (the first), so the line stays JSON a strict
// reader accepts. Empty when there is no event and no field.
std::string log_members_json(std::string_view event, std::span<const LogField> fields);

}  // namespace clawinit
