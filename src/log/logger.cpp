#include "log/logger.hpp"

#include <unistd.h>

#include <memory>

#include <fmt/format.h>
#include <spdlog/details/log_msg.h>
#include <spdlog/pattern_formatter.h>

#include "json/escape.hpp"
#include "log/log_output.hpp"

namespace clawinit {

namespace {

LogFormat g_format = LogFormat::text;
LogLevel g_level = LogLevel::info;

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

// spdlog formats the line (the same text and JSON shapes as ever); LogOutput writes it.
std::unique_ptr<spdlog::pattern_formatter>& formatter() {
    static std::unique_ptr<spdlog::pattern_formatter> instance;
    return instance;
}

std::string format_line(LogLevel level, std::string_view message) {
    auto& f = formatter();
    if (!f) {
        const char* pattern =
            g_format == LogFormat::json
                ? R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","logger":"clawinit","msg":"%v"})"
                : "%Y-%m-%dT%H:%M:%S.%eZ clawinit %l: %v";
        f = std::make_unique<spdlog::pattern_formatter>(pattern, spdlog::pattern_time_type::utc);
    }
    const std::string escaped = g_format == LogFormat::json ? json_escape(message) : std::string(message);
    const spdlog::details::log_msg msg("clawinit", to_spdlog(level), escaped);
    spdlog::memory_buf_t buffer;
    f->format(msg, buffer);
    return std::string(buffer.data(), buffer.size());
}

LogOutput& output() {
    static LogOutput instance(STDERR_FILENO, [](std::uint64_t dropped) {
        return format_line(LogLevel::warn, fmt::format("{} log lines dropped (stderr was not writable)", dropped));
    });
    return instance;
}

}  // namespace

void init_logging(LogFormat format, LogLevel level) {
    g_format = format;
    g_level = level;
    formatter().reset();
    output();  // decides how stderr is written, before anything is logged
}

void log_line(LogLevel level, std::string_view message) {
    if (level == LogLevel::off || g_level == LogLevel::off ||
        static_cast<int>(level) < static_cast<int>(g_level))
        return;
    output().write_line(format_line(level, message));
}

bool log_pending() { return output().pending(); }
int log_wait_fd() { return output().wait_fd(); }
void log_flush() { output().flush(); }
void log_flush_before_exit(std::chrono::milliseconds limit) { output().flush_before_exit(limit); }
std::uint64_t log_lines_dropped() { return output().dropped(); }

}  // namespace clawinit
