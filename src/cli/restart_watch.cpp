#include "cli/restart_watch.hpp"

namespace clawinit {

std::uint64_t awaited_request(const StatusDocument& before) {
    const LastRestart& last = before.last_restart;
    return last.outcome == RestartOutcome::pending ? last.request : last.request + 1;
}

RestartVerdict judge_restart(const StatusDocument& now, std::uint64_t awaited) {
    if (now.last_restart.request < awaited) {
        // Not taken (yet). A stop or a crash backoff drops restart signals: none will be.
        if (now.status == Status::stopping) return RestartVerdict::stopping;
        if (now.status == Status::backoff) return RestartVerdict::no_child;
        return RestartVerdict::waiting;
    }
    // Ours, or a later one that superseded it: its outcome is what happens to the gateway.
    switch (now.last_restart.outcome) {
        case RestartOutcome::none:
        case RestartOutcome::pending:
            return RestartVerdict::waiting;
        case RestartOutcome::respawned:
        case RestartOutcome::in_place:
            return now.status == Status::running ? RestartVerdict::ready : RestartVerdict::waiting;
        case RestartOutcome::expired:
            return RestartVerdict::expired;
        case RestartOutcome::not_a_restart_code:
            return RestartVerdict::not_a_restart_code;
        case RestartOutcome::stop_won:
            return RestartVerdict::stop_won;
    }
    return RestartVerdict::waiting;
}

}  // namespace clawinit
