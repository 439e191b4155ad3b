// Combinations of options that are each valid but work against each other. They are warned
// about, not refused: the run logs each as one line at start, check-config prints them too.
// Refused combinations (backoff > backoff-max, ...) are in config/load.cpp.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"

namespace clawinit {

// One sentence per conflict, saying what will happen; empty when there is none.
std::vector<std::string> config_warnings(const Config& config);

}  // namespace clawinit
