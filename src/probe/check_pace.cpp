#include "probe/check_pace.hpp"

#include <algorithm>

namespace clawinit {

CheckPace::CheckPace(Cadence cadence, Duration interval, Duration not_ready_interval)
    : m_cadence(cadence),
      m_interval(interval),
      // Never slower than the interval: a short interval is the operator's choice too.
      m_fast(std::min(not_ready_interval, interval)) {}

void CheckPace::restart() {
    m_passing = false;
}

Duration CheckPace::after_round(bool pass) {
    m_passing = pass;
    return wait();
}

bool CheckPace::set_hurry(bool hurry) {
    const bool began = hurry && !m_hurry;
    m_hurry = hurry;
    return began && chained();
}

}  // namespace clawinit
