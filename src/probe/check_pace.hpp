// When a check's next round starts. Pure: the Check (check.hpp) arms its timer with what this
// says, so the schedule is unit-tested without a clock or a socket.
#pragma once

#include "config/config.hpp"

namespace clawinit {

// steady: a round every interval, start to start (the live check). fast_until_pass (the ready
// check): after start(), the next round 100 ms after a failed one, doubling up to the interval,
// until the first pass, then steady; so a freshly spawned child is seen ready within about
// 100 ms of being ready early on, not one interval later.
enum class Cadence { steady, fast_until_pass };

class CheckPace {
public:
    CheckPace(Cadence cadence, Duration interval);

    void restart();  // start(): a fresh child, so fast rounds again (for fast_until_pass)
    // true while rounds are chained from each result (fast phase); false: ticked every interval.
    bool chained() const { return m_fast; }
    Duration interval() const { return m_interval; }
    // A round of the fast phase ended: the wait before the next one (the interval once a round
    // has passed, which also ends the fast phase).
    Duration after_round(bool pass);

private:
    Cadence m_cadence;
    Duration m_interval;
    bool m_fast{false};
    Duration m_fast_delay{0};  // the wait after the next failed fast round
};

}  // namespace clawinit
