// When a check's next round starts. Pure: the Check (check.hpp) arms its timer with what this
// says, so the schedule is unit-tested without a clock or a socket.
#pragma once

#include "config/config.hpp"

namespace clawinit {

// steady: a round every interval, start to start (the live check). follow_readiness (the ready
// check): each round is chained from the end of the last one; the wait is the short
// not-ready interval after a failed round or while the supervisor is watching for a change
// (hurry: a restart request is pending), the interval otherwise. So clawinit's /ready follows
// the gateway's own readiness within about one short interval, whenever it changes.
enum class Cadence { steady, follow_readiness };

class CheckPace {
public:
    CheckPace(Cadence cadence, Duration interval, Duration not_ready_interval);

    void restart();  // start(): a fresh child, not known to be ready: short waits first
    // true while rounds are chained from each result; false: ticked every interval.
    bool chained() const { return m_cadence == Cadence::follow_readiness; }
    Duration interval() const { return m_interval; }
    // A chained round ended: the wait before the next one.
    Duration after_round(bool pass);
    // The supervisor watches for a change (a pending restart) or stops watching. Returns true
    // when a wait already under way should be cut down to wait(): the hurry just began.
    bool set_hurry(bool hurry);
    // The wait a chained round would get now, from the last result and the hurry.
    Duration wait() const { return m_passing && !m_hurry ? m_interval : m_fast; }

private:
    Cadence m_cadence;
    Duration m_interval;
    Duration m_fast;
    bool m_passing{false};  // the last round passed
    bool m_hurry{false};
};

}  // namespace clawinit
