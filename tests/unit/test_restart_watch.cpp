#include <doctest/doctest.h>

#include "cli/restart_watch.hpp"

using namespace clawinit;

namespace {

StatusDocument doc(Status status, std::uint64_t request, RestartOutcome outcome) {
    StatusDocument d;
    d.status = status;
    d.last_restart = {request, outcome};
    return d;
}

}  // namespace

TEST_CASE("restart --wait: the request it waits for is the next, or the pending one it joins") {
    CHECK(awaited_request(doc(Status::running, 0, RestartOutcome::none)) == 1);
    CHECK(awaited_request(doc(Status::running, 3, RestartOutcome::respawned)) == 4);
    CHECK(awaited_request(doc(Status::restarting, 3, RestartOutcome::pending)) == 3);
}

TEST_CASE("restart --wait: ready once answered and the child is running again") {
    CHECK(judge_restart(doc(Status::running, 0, RestartOutcome::none), 1) ==
          RestartVerdict::waiting);  // the signal is on its way
    CHECK(judge_restart(doc(Status::restarting, 1, RestartOutcome::pending), 1) ==
          RestartVerdict::waiting);
    CHECK(judge_restart(doc(Status::restarting, 1, RestartOutcome::respawned), 1) ==
          RestartVerdict::waiting);  // the new child is not ready yet
    CHECK(judge_restart(doc(Status::running, 1, RestartOutcome::respawned), 1) ==
          RestartVerdict::ready);
    CHECK(judge_restart(doc(Status::running, 1, RestartOutcome::in_place), 1) ==
          RestartVerdict::ready);
    // Someone else's later request superseded ours: what happens to the gateway is the answer.
    CHECK(judge_restart(doc(Status::running, 2, RestartOutcome::respawned), 1) ==
          RestartVerdict::ready);
}

TEST_CASE("restart --wait: each failure by name") {
    CHECK(judge_restart(doc(Status::running, 1, RestartOutcome::expired), 1) ==
          RestartVerdict::expired);
    CHECK(judge_restart(doc(Status::backoff, 1, RestartOutcome::not_a_restart_code), 1) ==
          RestartVerdict::not_a_restart_code);
    CHECK(judge_restart(doc(Status::stopping, 1, RestartOutcome::stop_won), 1) ==
          RestartVerdict::stop_won);
    // Never taken: a stop or a crash backoff drops the signal.
    CHECK(judge_restart(doc(Status::stopping, 0, RestartOutcome::none), 1) ==
          RestartVerdict::stopping);
    CHECK(judge_restart(doc(Status::backoff, 0, RestartOutcome::none), 1) ==
          RestartVerdict::no_child);
}
