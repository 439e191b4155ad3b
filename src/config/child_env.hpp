// What clawinit changes in the child's environment: the `env` option's entries, merged by name
// across sources, on top of what a `--user` switch sets (HOME, USER, LOGNAME, SHELL). An entry
// is "NAME=VALUE" (set NAME) or a bare "NAME" (remove NAME, also one clawinit inherited).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace clawinit {

// The variable an entry is about: up to the first '=', or the whole entry.
std::string_view env_entry_name(std::string_view entry);

// true for a bare "NAME": the entry removes NAME.
bool env_entry_removes(std::string_view entry);

// Puts `entry` into `entries`: it replaces the entry for the same name in that entry's place,
// or is added at the end. So a later entry (a higher source, or later in one source) wins, and
// other names are kept. Throws ValueError for an entry with no name.
void merge_env_entry(std::vector<std::string>& entries, std::string_view entry);

// The changes the child's environment gets, in order: the user switch's (if any), then `env`,
// which wins over them (the config's HOME beats the passwd entry's).
std::vector<std::string> environment_changes(const Config& config);

}  // namespace clawinit
