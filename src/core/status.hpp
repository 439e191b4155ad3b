// The one word clawinit reports about itself (/status, /metrics' clawinit_status and
// `clawinit status`). The Supervisor derives it from its state in one function
// (Supervisor::status) so the three places cannot disagree; this header is small so the probe
// code can carry the value without seeing the Supervisor.
#pragma once

#include <array>
#include <cstdint>
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
