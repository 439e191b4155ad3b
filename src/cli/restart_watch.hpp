// `clawinit restart --wait`: what the running clawinit's /status says about the restart this
// client asked for. Pure: the client polls /status and asks this, so every outcome is a unit
// test (tests/unit/test_restart_watch.cpp), and no status word is compared anywhere else.
#pragma once

#include <cstdint>

#include "probe/status_document.hpp"

namespace clawinit {

enum class RestartVerdict {
    waiting,             // not answered yet, or the new child is not ready yet
    ready,               // restarted (new child or in place) and ready again
    expired,             // the child did not answer within the restart timeout
    not_a_restart_code,  // it exited with another code: a crash
    stop_won,            // a stop arrived while the restart was pending
    stopping,            // a stop was under way: the request was dropped
    no_child,            // crash backoff, no child to ask: the request was dropped
};

// The request this client's signal becomes: the pending one if a restart is already pending
// (the signal is coalesced into it), else the next.
std::uint64_t awaited_request(const StatusDocument& before);

RestartVerdict judge_restart(const StatusDocument& now, std::uint64_t awaited);

}  // namespace clawinit
