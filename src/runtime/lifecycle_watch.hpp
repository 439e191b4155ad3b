// Two /metrics figures the Supervisor's counters do not give, worked out by watching it from
// outside, one handled event at a time: how long a restart took until the child was ready
// again, and how many stops needed SIGKILL after the grace. Pure (events, actions and a time
// in), so every case is a unit test with a fake clock (tests/unit/test_lifecycle_watch.cpp).
#pragma once

#include <cstdint>
#include <optional>

#include "core/supervisor.hpp"

namespace clawinit {

// The Supervisor's views after the event, as far as this needs them.
struct SupervisorView {
    Phase phase;
    bool restart_pending;
    bool ready;
    std::uint64_t restarts;  // Supervisor::restarts(): every kind
};

class LifecycleWatch {
public:
    // `before`: the phase before the event; `actions`: what handle() returned for it.
    void observe(const Event& event, Phase before, const Actions& actions,
                 const SupervisorView& after, Time now);

    // From the restart request (or the crash) to the child ready again, of the last restart
    // that got there; nullopt before the first. A request that expires without a restart, and
    // a restart cut short by a stop, measure nothing.
    std::optional<double> last_restart_to_ready_seconds() const { return m_last; }
    // Stops whose grace ran out, so that SIGKILL went out (0 or 1 per clawinit run: such a
    // stop ends it; state.json keeps the count over runs).
    std::uint64_t kills_after_grace() const { return m_kills; }

private:
    std::optional<Time> m_began;     // a restart request or a crash, not yet ready again
    std::uint64_t m_restarts_at{0};  // restarts() when it began
    bool m_restart_pending{false};
    std::optional<double> m_last;
    std::uint64_t m_kills{0};
};

}  // namespace clawinit
