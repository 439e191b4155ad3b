// Durations as operators write them: "250ms", "8s", "2m", "1h", bare seconds "5", decimals
// "1.5s" / "0.5". The parse is exact (integer arithmetic), so format_duration round-trips.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"

namespace clawinit {

// nullopt for empty text, a sign, garbage, a value finer than one millisecond ("0.0001s"), or
// one beyond k_max_duration.
std::optional<Duration> parse_duration(std::string_view text);

// The largest unit that represents the value exactly: "250ms", "8s", "2m", "1h", "1500ms", "0s".
std::string format_duration(Duration duration);

// 100 years: longer than any timeout anyone means, and small enough that adding it to a
// steady_clock time point (int64 nanoseconds) cannot overflow.
inline constexpr Duration k_max_duration{100LL * 365 * 24 * 3600 * 1000};

}  // namespace clawinit
