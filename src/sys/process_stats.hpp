// The standard process_* metrics of every Prometheus exporter, read from /proc/self when
// /metrics is asked (never for /ready or /health, which take the same snapshot). Each field is
// nullopt when its source could not be read (a /proc without that file): its family is then
// shown without a sample rather than with a made-up value.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace clawinit {

struct ProcessStats {
    std::optional<double> resident_memory_bytes;  // /proc/self/statm
    std::optional<double> virtual_memory_bytes;
    std::optional<double> cpu_seconds;         // user + system, getrusage(RUSAGE_SELF)
    std::optional<double> start_time_seconds;  // unix time: /proc/stat btime + stat's starttime
    std::optional<std::uint64_t> open_fds;     // entries of /proc/self/fd
    std::optional<std::uint64_t> max_fds;      // RLIMIT_NOFILE, soft
};

ProcessStats read_process_stats();

// The pure parts, unit-tested. statm: "size resident shared ..." in pages.
struct Statm {
    std::uint64_t size_pages;
    std::uint64_t resident_pages;
};
std::optional<Statm> parse_statm(std::string_view text);
// /proc/self/stat's 22nd field, starttime, in clock ticks since boot. The 2nd field is the
// command name in parentheses and may hold spaces and ')': fields are counted after the last ')'.
std::optional<std::uint64_t> parse_stat_start_ticks(std::string_view text);
// /proc/stat's "btime N" line: the boot time in unix seconds.
std::optional<std::int64_t> parse_boot_time(std::string_view text);

}  // namespace clawinit
