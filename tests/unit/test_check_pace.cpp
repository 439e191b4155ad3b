#include <doctest/doctest.h>

#include <vector>

#include "probe/check_pace.hpp"

using namespace clawinit;
using namespace std::chrono_literals;

TEST_CASE("ready check: the short interval while not ready, the interval once ready") {
    CheckPace pace(Cadence::follow_readiness, 2s, 250ms);
    pace.restart();
    REQUIRE(pace.chained());
    // A gateway that takes 40 s to get ready is seen ready within 250 ms of it, not 2 s.
    CHECK(pace.after_round(false) == 250ms);
    CHECK(pace.after_round(false) == 250ms);
    CHECK(pace.after_round(true) == 2s);
    CHECK(pace.after_round(true) == 2s);
    // A ready child that fails once is re-checked soon: a debounce (ready-failures) confirms
    // the failure, or the next pass clears it, within one short interval.
    CHECK(pace.after_round(false) == 250ms);
    CHECK(pace.after_round(true) == 2s);
}

TEST_CASE("ready check: every spawn starts with short waits; the interval caps them") {
    CheckPace pace(Cadence::follow_readiness, 2s, 250ms);
    pace.restart();
    CHECK(pace.after_round(true) == 2s);
    pace.restart();  // the next child
    CHECK(pace.wait() == 250ms);

    CheckPace short_interval(Cadence::follow_readiness, 40ms, 250ms);
    short_interval.restart();
    CHECK(short_interval.after_round(false) == 40ms);
    CHECK(short_interval.after_round(true) == 40ms);
}

TEST_CASE("ready check: a pending restart keeps short waits while the child is ready") {
    CheckPace pace(Cadence::follow_readiness, 2s, 250ms);
    pace.restart();
    CHECK(pace.after_round(true) == 2s);
    // The restart request: the wait under way is cut short once, so an in-place restart (the
    // same process going not ready, then ready) is not missed between two 2 s rounds.
    CHECK(pace.set_hurry(true));
    CHECK(pace.wait() == 250ms);
    CHECK_FALSE(pace.set_hurry(true));  // already hurrying: nothing to cut
    CHECK(pace.after_round(true) == 250ms);
    CHECK_FALSE(pace.set_hurry(false));
    CHECK(pace.after_round(true) == 2s);
}

TEST_CASE("live check: steady, a round every interval from the start; hurry does not apply") {
    CheckPace pace(Cadence::steady, 2s, 250ms);
    pace.restart();
    CHECK_FALSE(pace.chained());
    CHECK(pace.interval() == 2s);
    CHECK_FALSE(pace.set_hurry(true));
}
