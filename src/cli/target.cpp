#include "cli/target.hpp"

#include <dirent.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>

#include "cli/subcommands.hpp"
#include "sys/process_tree.hpp"
#include "sys/regular_file.hpp"

namespace clawinit {

namespace {

// A pid and a newline; anything much longer is not a pid file.
constexpr std::size_t k_max_pid_file_size = 4096;

// A /proc file; empty when the process is gone. cmdline holds the whole argument list, which
// the stack limit allows to pass ARG_MAX's usual 2 MiB.
std::string read_text(const std::string& path) {
    constexpr std::size_t k_max_proc_file_size = 64 * 1024 * 1024;
    return read_regular_file(path, k_max_proc_file_size).text;
}

std::string trim(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\0'))
        text.pop_back();
    return text;
}

std::string base_name(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

pid_t parse_pid(const std::string& text, const std::string& where) {
    pid_t pid = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
    if (ec != std::errc() || ptr != text.data() + text.size() || pid <= 0)
        throw ConfigError(fmt::format("{}: '{}' is not a pid", where, text));
    return pid;
}

// What /proc says about pid; comm empty when it is gone (or unreadable).
ProcessInfo process_info(pid_t pid) {
    ProcessInfo info{pid, 0, trim(read_text(fmt::format("/proc/{}/comm", pid))), {}};
    const std::string cmdline = read_text(fmt::format("/proc/{}/cmdline", pid));
    for (std::size_t at = 0; at < cmdline.size();) {
        const std::size_t end = std::min(cmdline.find('\0', at), cmdline.size());
        info.argv.push_back(cmdline.substr(at, end - at));
        at = end + 1;
    }
    const std::string stat = read_text(fmt::format("/proc/{}/stat", pid));
    info.ppid = std::max<pid_t>(parent_from_stat(stat), 0);
    return info;
}

// "pid:[4026531836]"; empty when unreadable.
std::string pid_namespace(const std::string& proc_entry) {
    char target[128];
    const ssize_t n = ::readlink((proc_entry + "/ns/pid").c_str(), target, sizeof target);
    return n > 0 ? std::string(target, static_cast<std::size_t>(n)) : std::string();
}

// The processes of this PID namespace (a host also sees its containers' processes, each with
// another namespace: their clawinit is not ours to signal).
std::vector<ProcessInfo> all_processes() {
    const std::string own_namespace = pid_namespace("/proc/self");
    std::vector<ProcessInfo> processes;
    const std::unique_ptr<DIR, int (*)(DIR*)> proc(::opendir("/proc"), ::closedir);
    if (!proc) return processes;
    while (const dirent* entry = ::readdir(proc.get())) {
        const std::string_view name = entry->d_name;
        pid_t pid = 0;
        const auto [end, parse] = std::from_chars(name.data(), name.data() + name.size(), pid);
        if (parse != std::errc() || end != name.data() + name.size()) continue;
        if (pid_namespace("/proc/" + std::string(name)) != own_namespace) continue;
        ProcessInfo info = process_info(pid);
        if (!info.comm.empty()) processes.push_back(std::move(info));
    }
    return processes;
}

std::string name_of(const ProcessInfo& process) {
    return !process.comm.empty() ? process.comm
                                 : (process.argv.empty() ? std::string() : process.argv.front());
}

}  // namespace

bool is_clawinit(const ProcessInfo& process) {
    return process.comm == "clawinit" ||
           (!process.argv.empty() && base_name(process.argv.front()) == "clawinit");
}

bool is_clawinit_supervisor(const ProcessInfo& process) {
    return is_clawinit(process) && !(process.argv.size() > 1 && is_subcommand(process.argv[1]));
}

std::optional<pid_t> choose_supervisor(const std::vector<ProcessInfo>& processes, pid_t self,
                                       std::string& why) {
    std::vector<const ProcessInfo*> found;
    for (const ProcessInfo& p : processes)
        if (p.pid != self && is_clawinit_supervisor(p)) found.push_back(&p);
    // A clawinit below another (nested, or a subreaper's child) is not the one to drive.
    std::vector<pid_t> outer;
    for (const ProcessInfo* p : found) {
        const bool nested = std::any_of(found.begin(), found.end(),
                                        [&](const ProcessInfo* q) { return q->pid == p->ppid; });
        if (!nested) outer.push_back(p->pid);
    }
    if (outer.size() == 1) return outer.front();
    if (outer.empty()) {
        why = "no clawinit process found";
    } else {
        why =
            fmt::format("several clawinit processes (pids {}): pass --pid", fmt::join(outer, " "));
    }
    return std::nullopt;
}

pid_t find_target(const std::string& pid_option, const std::string& pid_file,
                  const std::function<std::optional<pid_t>()>& published_pid) {
    pid_t pid = 1;
    if (pid_option.empty() && pid_file.empty()) {
        const ProcessInfo init = process_info(1);
        if (is_clawinit(init)) return 1;
        // An init in front of clawinit: the pid clawinit's probe publishes, checked like any
        // other. It is a pid in clawinit's PID namespace: from another namespace (a host
        // client with --probe) it names something else, and that is an error, not a scan that
        // could find another container's clawinit.
        if (const std::optional<pid_t> published = published_pid ? published_pid() : std::nullopt) {
            if (is_clawinit(process_info(*published))) return *published;
            throw TargetError(fmt::format(
                "pid 1 is not clawinit (it is '{}'), and the pid its probe server gives ({}) is "
                "not clawinit here: run the client in clawinit's PID namespace or pass --pid",
                name_of(init), *published));
        }
        // No probe to ask: the one clawinit supervisor in this PID namespace.
        std::string why;
        if (const std::optional<pid_t> found = choose_supervisor(all_processes(), ::getpid(), why))
            return *found;
        throw TargetError(
            fmt::format("pid 1 is not clawinit (it is '{}') and {}", name_of(init), why));
    }
    if (!pid_option.empty()) {
        pid = parse_pid(pid_option, "--pid");
    } else if (!pid_file.empty()) {
        // Not an ifstream: a FIFO at the path would hang the client until a writer came.
        const FileText file = read_regular_file(pid_file, k_max_pid_file_size);
        if (!file.error.empty())
            throw TargetError(fmt::format("cannot read pid file {}: {}", pid_file, file.error));
        pid = parse_pid(trim(file.text), pid_file);
    }
    if (::kill(pid, 0) != 0 && errno == ESRCH)
        throw TargetError(fmt::format("no process with pid {}", pid));
    const ProcessInfo process = process_info(pid);
    if (!is_clawinit(process))
        throw TargetError(
            fmt::format("pid {} is not clawinit (it is '{}')", pid, name_of(process)));
    return pid;
}

std::optional<IpEndpoint> probe_address(const ListenOption& listen) {
    std::optional<IpEndpoint> address = listen.address();
    if (!address || !address->ip.is_unspecified()) return address;
    if (address->ip.is_v4()) {
        address->host = "127.0.0.1";
        address->ip = boost::asio::ip::address_v4::loopback();
    } else {
        address->host = "::1";
        address->ip = boost::asio::ip::address_v6::loopback();
    }
    return address;
}

void write_pid_file(const std::string& path, pid_t pid) {
    const std::string temp = fmt::format("{}.tmp-{}", path, pid);
    FILE* file = std::fopen(temp.c_str(), "we");
    if (!file) throw ConfigError(fmt::format("--pid-file {}: {}", path, std::strerror(errno)));
    std::fprintf(file, "%d\n", pid);
    const bool written = std::fflush(file) == 0 && ::fsync(::fileno(file)) == 0;
    std::fclose(file);
    if (!written || std::rename(temp.c_str(), path.c_str()) != 0) {
        const int error = errno;
        std::remove(temp.c_str());
        throw ConfigError(fmt::format("--pid-file {}: {}", path, std::strerror(error)));
    }
}

void remove_pid_file(const std::string& path, pid_t pid) {
    const FileText file = read_regular_file(path, k_max_pid_file_size);
    if (file.error.empty() && trim(file.text) == std::to_string(pid)) std::remove(path.c_str());
}

}  // namespace clawinit
