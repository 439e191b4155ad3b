// The one word clawinit reports about itself (/status, /metrics' clawinit_status and
// `clawinit status`). The Supervisor derives it from its state in one function
// (Supervisor::status) so the three places cannot disagree; this header is small so the probe
// code can carry the value without seeing the Supervisor.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clawinit {

enum class Status : std::uint8_t {
    starting,    // first child spawned, not ready yet
    running,     // child ready
    unready,     // child has been ready since its spawn, its ready check fails now
    restarting,  // a restart was asked for, or its new child is not ready yet
    backoff,     // child crashed, respawn pending
    stopping,    // a stop is under way, or the child has exited and clawinit will exit
};
inline constexpr std::array k_all_statuses{Status::starting,   Status::running, Status::unready,
                                           Status::restarting, Status::backoff, Status::stopping};

constexpr std::string_view status_name(Status status) {
    switch (status) {
        case Status::starting:
            return "starting";
        case Status::running:
            return "running";
        case Status::unready:
            return "unready";
        case Status::restarting:
            return "restarting";
        case Status::backoff:
            return "backoff";
        case Status::stopping:
            return "stopping";
    }
    return "stopping";
}

// Why the status is what it is, when /ready or /health fails or a stop, restart or backoff is
// under way: a kind (a fixed word, the metrics label) and a detail (a check's output).
enum class ReasonKind : std::uint8_t {
    graceful_shutdown,    // a stop is under way
    crash_budget_spent,   // --max-restarts within --restart-window was exceeded
    child_exited,         // the child is gone; clawinit exits once its leftovers are
    live_check_failing,   // --live-failures failed live checks in a row (detail: the last)
    child_starting,       // the first spawn is in flight
    child_restarting,     // a respawn is in flight
    child_crashed,        // crash backoff, respawn pending
    restart_requested,    // a restart request is pending
    ready_check_failing,  // the ready check fails (detail: its output)
};

constexpr std::string_view reason_kind_name(ReasonKind kind) {
    switch (kind) {
        case ReasonKind::graceful_shutdown:
            return "graceful shutdown";
        case ReasonKind::crash_budget_spent:
            return "crash budget spent";
        case ReasonKind::child_exited:
            return "child exited";
        case ReasonKind::live_check_failing:
            return "live check failing";
        case ReasonKind::child_starting:
            return "child starting";
        case ReasonKind::child_restarting:
            return "child restarting";
        case ReasonKind::child_crashed:
            return "child crashed, restart pending";
        case ReasonKind::restart_requested:
            return "restart requested";
        case ReasonKind::ready_check_failing:
            return "ready check failing";
    }
    return "child exited";
}

struct Reason {
    ReasonKind kind;
    std::string detail{};  // empty for most kinds

    // What /status and `clawinit status` print: "ready check failing: HTTP 503".
    std::string text() const {
        std::string out(reason_kind_name(kind));
        if (!detail.empty()) out += ": " + detail;
        return out;
    }
    bool operator==(const Reason&) const = default;
};

inline std::optional<std::string> reason_text(const std::optional<Reason>& reason) {
    return reason ? std::optional<std::string>(reason->text()) : std::nullopt;
}

// What became of the last restart request (/status "last_restart", `restart --wait`).
enum class RestartOutcome : std::uint8_t {
    none,                // no request yet
    pending,             // asked; the child has not answered
    respawned,           // it exited with a restart code (or died of the signal): new child
    in_place,            // it restarted itself: not ready, then ready again, same pid
    expired,             // the restart timeout passed without an answer
    not_a_restart_code,  // it exited with another code: a crash, not a restart
    stop_won,            // a stop arrived while it was pending: no new child
};
inline constexpr std::array k_all_restart_outcomes{
    RestartOutcome::none,     RestartOutcome::pending, RestartOutcome::respawned,
    RestartOutcome::in_place, RestartOutcome::expired, RestartOutcome::not_a_restart_code,
    RestartOutcome::stop_won};

constexpr std::string_view restart_outcome_name(RestartOutcome outcome) {
    switch (outcome) {
        case RestartOutcome::none:
            return "none";
        case RestartOutcome::pending:
            return "pending";
        case RestartOutcome::respawned:
            return "respawned";
        case RestartOutcome::in_place:
            return "in_place";
        case RestartOutcome::expired:
            return "expired";
        case RestartOutcome::not_a_restart_code:
            return "not_a_restart_code";
        case RestartOutcome::stop_won:
            return "stop_won";
    }
    return "none";
}

struct LastRestart {
    std::uint64_t request{0};  // requests accepted so far (a coalesced one is not counted)
    RestartOutcome outcome{RestartOutcome::none};
    bool operator==(const LastRestart&) const = default;
};

// Why a signal that reached clawinit went nowhere (clawinit_signals_dropped_total's label).
enum class DropReason : std::uint8_t {
    rewritten,  // --rewrite SIG:0
    stopping,   // a restart or other signal during a stop
    backoff,    // no child: waiting to respawn after a crash
    no_child,   // no child for another reason (spawn in flight)
    coalesced,  // a restart signal while a restart is already pending
};

constexpr std::string_view drop_reason_name(DropReason reason) {
    switch (reason) {
        case DropReason::rewritten:
            return "rewritten";
        case DropReason::stopping:
            return "stopping";
        case DropReason::backoff:
            return "backoff";
        case DropReason::no_child:
            return "no_child";
        case DropReason::coalesced:
            return "coalesced";
    }
    return "no_child";
}

}  // namespace clawinit
