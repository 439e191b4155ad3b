#include "sys/process_stats.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <string>

namespace clawinit {
namespace {

// A /proc file whole (/proc/stat's intr line alone can pass 10 kB on a big machine).
std::optional<std::string> read_proc(const char* path) {
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::string text;
    char buffer[4096];
    ssize_t got = 0;
    while ((got = ::read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, std::size_t(got));
    ::close(fd);
    if (got < 0 || text.empty()) return std::nullopt;
    return text;
}

// The next space-separated unsigned number in text from pos; pos moves past it.
std::optional<std::uint64_t> next_number(std::string_view text, std::size_t& pos) {
    while (pos < text.size() && text[pos] == ' ') ++pos;
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data() + pos, text.data() + text.size(), value);
    if (ec != std::errc{}) return std::nullopt;
    pos = static_cast<std::size_t>(end - text.data());
    return value;
}

std::optional<std::uint64_t> count_open_fds() {
    DIR* dir = ::opendir("/proc/self/fd");
    if (!dir) return std::nullopt;
    std::uint64_t count = 0;
    while (const dirent* entry = ::readdir(dir))
        if (entry->d_name[0] != '.') ++count;
    ::closedir(dir);
    return count - 1;  // the directory's own descriptor, open only while we count
}

// When clawinit started, in unix seconds; it cannot change, so it is read once.
std::optional<double> start_time() {
    static const std::optional<double> k_start = []() -> std::optional<double> {
        const auto stat = read_proc("/proc/self/stat");
        const auto proc_stat = read_proc("/proc/stat");
        if (!stat || !proc_stat) return std::nullopt;
        const auto ticks = parse_stat_start_ticks(*stat);
        const auto boot = parse_boot_time(*proc_stat);
        const long hz = ::sysconf(_SC_CLK_TCK);
        if (!ticks || !boot || hz <= 0) return std::nullopt;
        return static_cast<double>(*boot) + static_cast<double>(*ticks) / static_cast<double>(hz);
    }();
    return k_start;
}

}  // namespace

std::optional<Statm> parse_statm(std::string_view text) {
    std::size_t pos = 0;
    const auto size = next_number(text, pos);
    const auto resident = next_number(text, pos);
    if (!size || !resident) return std::nullopt;
    return Statm{*size, *resident};
}

std::optional<std::uint64_t> parse_stat_start_ticks(std::string_view text) {
    const std::size_t paren = text.rfind(')');
    if (paren == std::string_view::npos) return std::nullopt;
    // After "pid (comm)": field 3 (state) is a letter, then numbers up to starttime, field 22.
    std::size_t pos = paren + 1;
    while (pos < text.size() && text[pos] == ' ') ++pos;
    if (pos >= text.size()) return std::nullopt;
    ++pos;  // the state letter
    std::optional<std::uint64_t> value;
    for (int field = 4; field <= 22; ++field) {
        // Fields 4-21 include signed ones (priority, nice): skip a minus sign.
        while (pos < text.size() && text[pos] == ' ') ++pos;
        if (pos < text.size() && text[pos] == '-') ++pos;
        value = next_number(text, pos);
        if (!value) return std::nullopt;
    }
    return value;
}

std::optional<std::int64_t> parse_boot_time(std::string_view text) {
    std::size_t line = 0;
    while (line < text.size()) {
        const std::size_t end = std::min(text.find('\n', line), text.size());
        const std::string_view row = text.substr(line, end - line);
        if (row.starts_with("btime ")) {
            std::size_t pos = 6;
            const auto value = next_number(row, pos);
            if (!value || pos != row.size()) return std::nullopt;
            return static_cast<std::int64_t>(*value);
        }
        line = end + 1;
    }
    return std::nullopt;
}

ProcessStats read_process_stats() {
    ProcessStats stats;
    if (const auto text = read_proc("/proc/self/statm")) {
        if (const auto statm = parse_statm(*text)) {
            const auto page = static_cast<double>(::sysconf(_SC_PAGESIZE));
            stats.resident_memory_bytes = static_cast<double>(statm->resident_pages) * page;
            stats.virtual_memory_bytes = static_cast<double>(statm->size_pages) * page;
        }
    }
    rusage usage{};
    if (::getrusage(RUSAGE_SELF, &usage) == 0) {
        auto seconds = [](const timeval& t) {
            return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
        };
        stats.cpu_seconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    }
    stats.start_time_seconds = start_time();
    stats.open_fds = count_open_fds();
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        stats.max_fds = limit.rlim_cur;
    return stats;
}

}  // namespace clawinit
