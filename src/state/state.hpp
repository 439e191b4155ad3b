// What clawinit remembers across container restarts (README "Operating it", State), and its JSON
// form. Pure: no files, no clock; state_file.hpp does the syscalls.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace clawinit {

struct PersistedState {
    std::uint64_t boot_count{0};
    std::map<std::string, std::uint64_t> restarts;  // by reason: "signal", "crash"
    std::optional<int> last_exit;
    std::string last_stop_reason;  // "SIGTERM", "child exited", ...; empty if none yet
    std::optional<double> last_stop_seconds;
    bool last_stop_killed{false};  // SIGKILL was needed
    std::int64_t started_at{0};    // unix seconds of this boot
    std::int64_t updated_at{0};    // unix seconds of the last save
    std::int64_t last_restart_at{0};

    bool operator==(const PersistedState&) const = default;
};

// The largest count state.json holds: 2^53 - 1, the largest integer that every JSON reader
// (jq, JavaScript, Python's float path) keeps exact. A larger count in the file is corrupt;
// counting saturates here instead of wrapping to 0.
inline constexpr std::uint64_t k_max_count = (std::uint64_t{1} << 53) - 1;

// count + 1, but never past k_max_count: a hand-edited boot_count near the limit stays there.
constexpr std::uint64_t count_up(std::uint64_t count) {
    return count < k_max_count ? count + 1 : k_max_count;
}

// Pretty-printed, keys always in the same order, trailing newline: a person reading the
// volume and a diff between two saves both see one field per line.
std::string encode_state(const PersistedState& state);

// Counts above k_max_count are written as k_max_count.
//
// nullopt means corrupt: any syntax error, a wrong type, a number out of range (a count above
// k_max_count included), a duplicate
// key or anything after the closing brace. Unknown top-level keys are skipped (a newer
// clawinit may have written them) and missing keys keep their defaults (an older one may not).
std::optional<PersistedState> decode_state(std::string_view text);

}  // namespace clawinit
