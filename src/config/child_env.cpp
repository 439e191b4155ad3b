#include "config/child_env.hpp"

#include <algorithm>

#include "config/value_error.hpp"
#include "sys/user.hpp"

namespace clawinit {

std::string_view env_entry_name(std::string_view entry) {
    return entry.substr(0, entry.find('='));
}

bool env_entry_removes(std::string_view entry) {
    return entry.find('=') == std::string_view::npos;
}

void merge_env_entry(std::vector<std::string>& entries, std::string_view entry) {
    const std::string_view name = env_entry_name(entry);
    if (name.empty()) {
        throw ValueError("bad variable '" + std::string(entry) +
                         "' (use NAME=VALUE, or NAME alone to remove NAME)");
    }
    const auto same = std::ranges::find(entries, name, env_entry_name);
    if (same != entries.end()) {
        *same = entry;
    } else {
        entries.emplace_back(entry);
    }
}

std::vector<std::string> environment_changes(const Config& config) {
    std::vector<std::string> changes;
    if (config.user_ids) changes = user_environment(*config.user_ids);
    for (const std::string& entry : config.env) merge_env_entry(changes, entry);
    return changes;
}

}  // namespace clawinit
