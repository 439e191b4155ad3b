// What clawinit tells a `clawinit stop --wait` (or `restart --wait`) client as it exits: the
// body of the held /status?wait=exit answer. The writer (the runtime) and the reader
// (cli/subcommands.cpp) both go through this file, so the field names are written down once.
//
//   {"status":"exited","exit_code":0,"last_exit":0,"stop_seconds":0.012,"killed":false,
//    "restarts":0}   (one line)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clawinit {

namespace final_status_key {
inline constexpr std::string_view status = "status";  // always "exited"
inline constexpr std::string_view exit_code = "exit_code";
inline constexpr std::string_view last_exit = "last_exit";        // the child's, or null
inline constexpr std::string_view stop_seconds = "stop_seconds";  // 3 decimals, or null
inline constexpr std::string_view killed = "killed";              // SIGKILL was needed
inline constexpr std::string_view restarts = "restarts";
}  // namespace final_status_key

struct FinalStatus {
    int exit_code{0};                    // clawinit's own
    std::optional<int> last_exit;        // the child's last exit code
    std::optional<double> stop_seconds;  // how long the last stop took
    bool killed{false};
    std::uint64_t restarts{0};

    bool operator==(const FinalStatus&) const = default;
};

// One line of compact JSON with a trailing newline. Pure.
std::string final_status_json(const FinalStatus& status);

// The reader's side: nullopt unless `body` is a JSON object with exit_code, killed and
// restarts of the right types, and last_exit and stop_seconds null, absent or of theirs (an
// answer that says something else is not an outcome we can report). `error` then says why.
std::optional<FinalStatus> parse_final_status(std::string_view body, std::string* error = nullptr);

}  // namespace clawinit
