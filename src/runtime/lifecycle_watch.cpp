#include "runtime/lifecycle_watch.hpp"

#include <signal.h>

namespace clawinit {
namespace {

bool stopping(Phase phase) {
    return phase == Phase::draining || phase == Phase::stopping || phase == Phase::finishing ||
           phase == Phase::exited;
}

}  // namespace

void LifecycleWatch::observe(const Event& event, Phase before, const Actions& actions,
                             const SupervisorView& after, Time now) {
    // The grace deadline of a stop fired and SIGKILL went out: the Supervisor's own rule
    // (TimerFired while stopping or finishing), seen in what it did.
    if (std::holds_alternative<TimerFired>(event) &&
        (before == Phase::stopping || before == Phase::finishing)) {
        for (const Action& action : actions) {
            const Kill* kill = std::get_if<Kill>(&action);
            if (kill && kill->signo == SIGKILL) {
                ++m_kills;
                break;
            }
        }
    }

    auto begin = [&] {
        if (m_began) return;  // a crash while a requested restart is on its way: the request
        m_began = now;
        m_restarts_at = after.restarts;
    };
    if (after.restart_pending && !m_restart_pending) begin();
    m_restart_pending = after.restart_pending;
    // The child ended and another is coming (at once, or after the backoff).
    if (std::holds_alternative<ChildExited>(event) && before == Phase::running &&
        (after.phase == Phase::starting || after.phase == Phase::backoff))
        begin();

    if (!m_began) return;
    if (stopping(after.phase)) {
        m_began.reset();  // a stop ends the restart: the child is not to be ready again
    } else if (after.ready && !after.restart_pending) {
        // Ready again; a request that expired without a restart (the count did not move)
        // measured nothing.
        if (after.restarts != m_restarts_at)
            m_last = std::chrono::duration<double>(now - *m_began).count();
        m_began.reset();
    }
}

}  // namespace clawinit
