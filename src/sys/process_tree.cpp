#include "sys/process_tree.hpp"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>

namespace clawinit {

namespace {

pid_t parent_of(pid_t pid) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE* file = std::fopen(path, "re");
    if (!file) return -1;
    char buffer[512];
    const std::size_t n = std::fread(buffer, 1, sizeof buffer - 1, file);
    std::fclose(file);
    return parent_from_stat(std::string_view(buffer, n));
}

std::vector<std::pair<pid_t, pid_t>> process_table() {
    std::vector<std::pair<pid_t, pid_t>> table;
    DIR* proc = ::opendir("/proc");
    if (!proc) return table;
    while (dirent* entry = ::readdir(proc)) {
        char* end = nullptr;
        const long pid = std::strtol(entry->d_name, &end, 10);
        if (*end != '\0' || pid <= 0) continue;
        const pid_t ppid = parent_of(static_cast<pid_t>(pid));
        if (ppid >= 0) table.emplace_back(static_cast<pid_t>(pid), ppid);
    }
    ::closedir(proc);
    return table;
}

}  // namespace

pid_t parent_from_stat(std::string_view stat) {
    const std::size_t close = stat.rfind(')');
    if (close == std::string_view::npos) return -1;
    // " S 1234 ...": one state letter between blanks, then the parent's pid.
    std::string_view rest = stat.substr(close + 1);
    if (rest.size() < 4 || rest[0] != ' ' || rest[2] != ' ') return -1;
    rest.remove_prefix(3);
    pid_t ppid = -1;
    const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), ppid);
    if (error != std::errc() || (end != rest.data() + rest.size() && *end != ' ' && *end != '\n'))
        return -1;
    return ppid;
}

std::vector<pid_t> descendants_of(pid_t root, const std::vector<std::pair<pid_t, pid_t>>& parents) {
    std::multimap<pid_t, pid_t> children;
    for (const auto& [pid, ppid] : parents) children.emplace(ppid, pid);
    std::vector<pid_t> found;
    std::vector<pid_t> todo{root};
    while (!todo.empty()) {
        const pid_t parent = todo.back();
        todo.pop_back();
        auto [first, last] = children.equal_range(parent);
        for (auto it = first; it != last; ++it) {
            found.push_back(it->second);
            todo.push_back(it->second);
        }
    }
    return found;
}

int signal_descendants(int signo) {
    // Even as PID 1 we walk the tree instead of kill(-1): a `docker exec clawinit stop --wait`
    // lives in our namespace without being our descendant, and must survive to hear the
    // outcome. Orphans are reparented to us, so they are descendants and are found.
    int count = 0;
    for (pid_t pid : descendants_of(::getpid(), process_table()))
        if (::kill(pid, signo) == 0) ++count;
    return count;
}

}  // namespace clawinit
