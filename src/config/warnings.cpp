#include "config/warnings.hpp"

#include "config/signal_names.hpp"

namespace clawinit {
std::vector<std::string> config_warnings(const Config& config) {
    std::vector<std::string> warnings;
    for (const auto& [from, to] : config.rewrite) {
        if (to != 0) {
            continue;
        }
        const std::string rewrite = "rewrite " + signal_name(from) + ":0";
        // A restart request the child never hears can only end in the restart timeout.
        if (config.is_restart_signal(from)) {
            warnings.push_back(rewrite + " drops " + signal_name(from) +
                               ", a restart signal: the child never gets it, so every restart "
                               "request times out");
        }
        // The stop still happens (not ready, grace timer), but only as a SIGKILL at the end.
        if (is_stop_signal(from)) {
            warnings.push_back(rewrite + " drops " + signal_name(from) +
                               ", a stop signal: the child never gets it and is killed with "
                               "SIGKILL when the grace runs out");
        }
    }
    return warnings;
}

}  // namespace clawinit
