#include "probe/check_pace.hpp"

#include <algorithm>

namespace clawinit {
namespace {
constexpr Duration k_first_fast_delay = std::chrono::milliseconds(100);
}  // namespace

CheckPace::CheckPace(Cadence cadence, Duration interval)
    : m_cadence(cadence), m_interval(interval) {}

void CheckPace::restart() {
    m_fast = m_cadence == Cadence::fast_until_pass;
    m_fast_delay = std::min<Duration>(k_first_fast_delay, m_interval);
}

Duration CheckPace::after_round(bool pass) {
    if (pass) {
        m_fast = false;
        return m_interval;
    }
    const Duration wait = m_fast_delay;
    m_fast_delay = std::min<Duration>(m_fast_delay * 2, m_interval);
    return wait;
}

}  // namespace clawinit
