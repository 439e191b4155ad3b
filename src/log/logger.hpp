// clawinit's own log lines on stderr (SPEC.md "Logging"): one line per lifecycle event, as
// text or JSON lines. The child's stdout/stderr never pass through here. Writing never
// blocks: see log/log_output.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.hpp"

namespace clawinit {

void init_logging(LogFormat format, LogLevel level);
void log_line(LogLevel level, std::string_view message);

// For the event loop: lines wait for a slow stderr reader.
bool log_pending();
int log_wait_fd();  // wait for it to be writable, then log_flush(); -1: retry on a timer
void log_flush();
void log_flush_before_exit(std::chrono::milliseconds limit);
std::uint64_t log_lines_dropped();  // lines that never reached stderr (full buffer, closed pipe)

}  // namespace clawinit
