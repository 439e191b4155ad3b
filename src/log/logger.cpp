#include "log/logger.hpp"

#include <fmt/format.h>
#include <spdlog/details/log_msg.h>
#include <spdlog/formatter.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <memory>

#include "json/escape.hpp"
#include "log/log_output.hpp"

namespace clawinit {

namespace {

LogFormat g_format = LogFormat::text;
LogLevel g_level = LogLevel::info;

spdlog::level::level_enum to_spdlog(LogLevel level) {
    switch (level) {
        case LogLevel::trace:
            return spdlog::level::trace;
        case LogLevel::debug:
            return spdlog::level::debug;
        case LogLevel::info:
            return spdlog::level::info;
        case LogLevel::warn:
            return spdlog::level::warn;
        case LogLevel::error:
            return spdlog::level::err;
        case LogLevel::off:
            return spdlog::level::off;
    }
    return spdlog::level::info;
}

LogLevel from_spdlog(spdlog::level::level_enum level) {
    switch (level) {
        case spdlog::level::trace:
            return LogLevel::trace;
        case spdlog::level::debug:
            return LogLevel::debug;
        case spdlog::level::info:
            return LogLevel::info;
        case spdlog::level::warn:
            return LogLevel::warn;
        case spdlog::level::err:
        case spdlog::level::critical:
            return LogLevel::error;
        default:
            return LogLevel::off;
    }
}

// The two line shapes, text and JSON, with the time in UTC to the millisecond and the level as
// --log-level names it (log_level_name: "warn", not spdlog's "warning", so a shipper filters on
// the flag's spelling). Written here rather than by spdlog's pattern_formatter: that one also
// carries every other flag and localtime_r, whose time-zone code (tzset, sscanf and its float
// parsers) costs the static binary ~120 kB for lines that are always UTC.
class LineFormatter final : public spdlog::formatter {
public:
    explicit LineFormatter(LogFormat format) : m_format(format) {}

    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        using namespace std::chrono;
        const auto ms = floor<milliseconds>(msg.time).time_since_epoch().count();
        const auto day = floor<days>(sys_time<milliseconds>(milliseconds(ms)));
        const year_month_day date(day);
        const hh_mm_ss<milliseconds> time(milliseconds(ms) - day.time_since_epoch());
        char stamp[32];
        const auto stamp_end = fmt::format_to_n(
            stamp, sizeof stamp, "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
            static_cast<unsigned>(date.day()), time.hours().count(), time.minutes().count(),
            time.seconds().count(), time.subseconds().count());
        const std::string_view when(stamp, std::min(stamp_end.size, sizeof stamp));
        const std::string_view level = log_level_name(from_spdlog(msg.level));
        const std::string_view payload(msg.payload.data(), msg.payload.size());
        auto out = std::back_inserter(dest);
        if (m_format ==
            LogFormat::json)  // the payload: the quoted message and the members after it
            fmt::format_to(out,
                           R"({{"time":"{}","level":"{}","logger":"clawinit","msg":{}}})"
                           "\n",
                           when, level, payload);
        else
            fmt::format_to(out, "{} clawinit {}: {}\n", when, level, payload);
    }
    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<LineFormatter>(m_format);
    }

private:
    LogFormat m_format;
};

spdlog::formatter& formatter(LogFormat format) {
    static LineFormatter text(LogFormat::text);
    static LineFormatter json(LogFormat::json);
    return format == LogFormat::json ? json : text;
}

LogOutput& output() {
    static LogOutput instance(STDERR_FILENO, [](std::uint64_t dropped) {
        const LogField count{LogKey::count, dropped};
        return format_log_line(
            g_format, LogLevel::warn,
            fmt::format("{} log lines dropped (stderr was not writable)", dropped),
            "log_lines_dropped", std::span<const LogField>(&count, 1));
    });
    return instance;
}

bool enabled(LogLevel level) {
    return level != LogLevel::off && g_level != LogLevel::off &&
           static_cast<int>(level) >= static_cast<int>(g_level);
}

}  // namespace

std::string format_log_line(LogFormat format, LogLevel level, std::string_view message,
                            std::string_view event, std::span<const LogField> fields) {
    const std::string payload = format == LogFormat::json
                                    ? json_quoted(message) + log_members_json(event, fields)
                                    : std::string(message);
    const spdlog::details::log_msg msg("clawinit", to_spdlog(level), payload);
    spdlog::memory_buf_t buffer;
    formatter(format).format(msg, buffer);
    return std::string(buffer.data(), buffer.size());
}

void init_logging(LogFormat format, LogLevel level) {
    g_format = format;
    g_level = level;
    output();  // decides how stderr is written, before anything is logged
}

void log_event(LogLevel level, std::string_view event, std::string_view message,
               std::span<const LogField> fields) {
    if (!enabled(level)) return;
    output().write_line(format_log_line(g_format, level, message, event, fields));
}

void log_event(LogLevel level, std::string_view event, std::string_view message,
               std::initializer_list<LogField> fields) {
    log_event(level, event, message, std::span<const LogField>(fields.begin(), fields.size()));
}

bool log_pending() {
    return output().pending();
}
int log_wait_fd() {
    return output().wait_fd();
}
void log_flush() {
    output().flush();
}
void log_flush_before_exit(std::chrono::milliseconds limit) {
    output().flush_before_exit(limit);
}
std::uint64_t log_lines_dropped() {
    return output().dropped();
}

}  // namespace clawinit
