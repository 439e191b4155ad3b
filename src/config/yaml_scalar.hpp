// Values written as YAML (check-config's output, config/describe.cpp), so that the config
// loader reads back exactly the string written: plain where that is unambiguous, double-quoted
// with escapes otherwise.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace clawinit {

// "8s", "SIGUSR1", "\"a, b\"", "\"MULTI=a\\nb\"", "\"\"" (never empty, never null).
std::string yaml_scalar(std::string_view value);

// Text for a `# ...` comment line that cannot end it: a line break as "\n" or "\r", any other
// character YAML cannot hold or reads as a line break (controls, NEL, LS, PS, bytes that are
// not UTF-8) as '?'. The output still loads back as a config.
std::string yaml_comment_text(std::string_view text);

// "[SIGUSR1, HUP]", "[]": a flow sequence of yaml_scalar()s.
std::string yaml_flow_list(const std::vector<std::string>& values);

}  // namespace clawinit
