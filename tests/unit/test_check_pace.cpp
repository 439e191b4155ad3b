#include <doctest/doctest.h>

#include <vector>

#include "probe/check_pace.hpp"

using namespace clawinit;
using namespace std::chrono_literals;

namespace {

// The waits after `failures` failed rounds of the fast phase.
std::vector<Duration> waits_after_failures(CheckPace& pace, int failures) {
    std::vector<Duration> waits;
    for (int i = 0; i < failures && pace.chained(); ++i) waits.push_back(pace.after_round(false));
    return waits;
}

}  // namespace

TEST_CASE("ready check: 100 ms after a failed round, doubling up to the interval") {
    CheckPace pace(Cadence::fast_until_pass, 2s);
    pace.restart();
    REQUIRE(pace.chained());
    CHECK(waits_after_failures(pace, 7) ==
          std::vector<Duration>{100ms, 200ms, 400ms, 800ms, 1600ms, 2000ms, 2000ms});
    // A child ready 50 ms after its spawn: the first round (at once) fails, the next one
    // 100 ms later passes; `restart --wait` sees it ready then, not an interval later.
    pace.restart();
    CHECK(pace.after_round(false) == 100ms);
    CHECK(pace.after_round(true) == 2s);
    CHECK_FALSE(pace.chained());  // then steady, every interval
}

TEST_CASE("ready check: every spawn starts fast again; an interval under 100 ms caps it") {
    CheckPace pace(Cadence::fast_until_pass, 2s);
    pace.restart();
    waits_after_failures(pace, 3);
    CHECK(pace.after_round(true) == 2s);
    pace.restart();  // the next child
    CHECK(pace.chained());
    CHECK(pace.after_round(false) == 100ms);

    CheckPace short_interval(Cadence::fast_until_pass, 40ms);
    short_interval.restart();
    CHECK(waits_after_failures(short_interval, 2) == std::vector<Duration>{40ms, 40ms});
}

TEST_CASE("live check: steady, a round every interval from the start") {
    CheckPace pace(Cadence::steady, 2s);
    pace.restart();
    CHECK_FALSE(pace.chained());
    CHECK(pace.interval() == 2s);
}
