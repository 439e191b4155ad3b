// clawinit's own log lines on stderr (README "Operating it", Logs): one line per lifecycle event,
// as text or JSON lines. The child's stdout/stderr never pass through here. Writing never blocks:
// see log/log_output.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "log/fields.hpp"

namespace clawinit {

void init_logging(LogFormat format, LogLevel level);
// One line: with --log-format json the event and fields are members after "msg"
// (log/fields.hpp); a text line is the message alone.
void log_event(LogLevel level, std::string_view event, std::string_view message,
               std::span<const LogField> fields);
void log_event(LogLevel level, std::string_view event, std::string_view message,
               std::initializer_list<LogField> fields);

// One formatted line, '\n' included, as it goes to stderr (the time is the current UTC time).
std::string format_log_line(LogFormat format, LogLevel level, std::string_view message,
                            std::string_view event = {}, std::span<const LogField> fields = {});

// For the event loop: lines wait for a slow stderr reader.
bool log_pending();
int log_wait_fd();  // wait for it to be writable, then log_flush(); -1: retry on a timer
void log_flush();
void log_flush_before_exit(std::chrono::milliseconds limit);
std::uint64_t log_lines_dropped();  // lines that never reached stderr (full buffer, closed pipe)

}  // namespace clawinit
