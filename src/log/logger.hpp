// clawinit's own log lines on stderr (SPEC.md "Logging"): one line per lifecycle event, as
// text or JSON lines. The child's stdout/stderr never pass through here.
#pragma once

#include <string>
#include <string_view>

#include "config/config.hpp"

namespace clawinit {

void init_logging(LogFormat format, LogLevel level);
void log_line(LogLevel level, std::string_view message);
bool log_enabled(LogLevel level);

// JSON string body escaping (no surrounding quotes); also used by the probe server.
std::string json_escape(std::string_view text);

}  // namespace clawinit
