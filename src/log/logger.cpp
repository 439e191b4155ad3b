#include "log/logger.hpp"

#include <fmt/format.h>
#include <spdlog/details/log_msg.h>
#include <spdlog/pattern_formatter.h>
#include <unistd.h>

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

// The level as --log-level names it (log_level_name), not spdlog's own word ("warning" for
// warn): a shipper filtering on "level" uses the flag's spelling.
class LevelName final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        const std::string_view name = log_level_name(from_spdlog(msg.level));
        dest.append(name.data(), name.data() + name.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<LevelName>();
    }
};

std::unique_ptr<spdlog::pattern_formatter> make_formatter(const std::string& pattern) {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<LevelName>('*').set_pattern(pattern);
    return formatter;
}

// spdlog formats the time and level (the same text and JSON shapes as ever); LogOutput writes
// the line. One formatter per format, made on first use.
spdlog::pattern_formatter& formatter(LogFormat format) {
    // %* is the level's name (LevelName).
    static const auto text = make_formatter("%Y-%m-%dT%H:%M:%S.%eZ clawinit %*: %v");
    // %v is the quoted message and the members after it: see format_log_line.
    static const auto json = make_formatter(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%*","logger":"clawinit","msg":%v})");
    return format == LogFormat::json ? *json : *text;
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
