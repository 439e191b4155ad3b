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

// "[SIGUSR1, HUP]", "[]": a flow sequence of yaml_scalar()s.
std::string yaml_flow_list(const std::vector<std::string>& values);

}  // namespace clawinit
