// `clawinit stop|restart|status|probe|check-config`: the operator's side (README "Usage",
// "Operating it"). Exit codes a deploy script can trust:
//   0 done as asked; 1 it happened but badly (SIGKILL was needed, the restart failed, the
//   probe fails); 2 usage or config error; 3 timed out; 4 no clawinit to talk to.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/load.hpp"

namespace clawinit {

bool is_subcommand(std::string_view word);

// `args` starts with the subcommand's name.
int run_subcommand(const std::vector<std::string>& args, const Environment& env);

}  // namespace clawinit
