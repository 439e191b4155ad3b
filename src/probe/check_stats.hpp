// What /metrics says about one check (--ready-check or --live-check): its failed rounds and
// how long its rounds took, as a Prometheus histogram. Pure; the runtime records every round.
#pragma once

#include <array>
#include <cstdint>

namespace clawinit {

// Upper bounds in seconds: Prometheus' default buckets. A round never lasts longer than
// --check-timeout (1s by default): a round that timed out counts as that long.
inline constexpr std::array<double, 11> k_check_buckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                        0.5,   1.0,  2.5,   5.0,  10.0};

struct CheckStats {
    std::uint64_t rounds{0};
    std::uint64_t failures{0};
    double seconds_sum{0};
    // Rounds that took at most k_check_buckets[i], cumulative as the exposition format wants.
    std::array<std::uint64_t, k_check_buckets.size()> le{};

    void record(bool pass, double seconds) {
        ++rounds;
        if (!pass) ++failures;
        seconds_sum += seconds;
        for (std::size_t i = 0; i < k_check_buckets.size(); ++i)
            if (seconds <= k_check_buckets[i]) ++le[i];
    }
};

}  // namespace clawinit
