#include "log/logger.hpp"

#include <memory>

#include <fmt/format.h>
#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace clawinit {

namespace {

LogFormat g_format = LogFormat::text;

spdlog::level::level_enum to_spdlog(LogLevel level) {
    switch (level) {
        case LogLevel::trace: return spdlog::level::trace;
        case LogLevel::debug: return spdlog::level::debug;
        case LogLevel::info: return spdlog::level::info;
        case LogLevel::warn: return spdlog::level::warn;
        case LogLevel::error: return spdlog::level::err;
        case LogLevel::off: return spdlog::level::off;
    }
    return spdlog::level::info;
}

// Not in spdlog's registry: one logger, owned here, single-threaded sink (no mutex, no
// background thread: PID 1 has one thread).
spdlog::logger& logger() {
    static spdlog::logger instance("clawinit", std::make_shared<spdlog::sinks::stderr_sink_st>());
    return instance;
}

}  // namespace

void init_logging(LogFormat format, LogLevel level) {
    g_format = format;
    auto& log = logger();
    log.set_level(to_spdlog(level));
    log.flush_on(spdlog::level::trace);  // lines must be out before a possible SIGKILL
    const char* pattern = format == LogFormat::json
                              ? R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","logger":"clawinit","msg":"%v"})"
                              : "%Y-%m-%dT%H:%M:%S.%eZ clawinit %l: %v";
    log.set_formatter(std::make_unique<spdlog::pattern_formatter>(
        pattern, spdlog::pattern_time_type::utc));
}

bool log_enabled(LogLevel level) { return logger().should_log(to_spdlog(level)); }

void log_line(LogLevel level, std::string_view message) {
    auto& log = logger();
    if (!log.should_log(to_spdlog(level))) return;
    if (g_format == LogFormat::json)
        log.log(to_spdlog(level), "{}", json_escape(message));
    else
        log.log(to_spdlog(level), "{}", message);
}

std::string json_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    for (unsigned char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20)
                    out += fmt::format("\\u{:04x}", c);
                else
                    out += static_cast<char>(c);
        }
    }
    return out;
}

}  // namespace clawinit
