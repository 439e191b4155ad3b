#include "cli/target.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "sys/regular_file.hpp"

namespace clawinit {

namespace {

// A pid and a newline; anything much longer is not a pid file.
constexpr std::size_t k_max_pid_file_size = 4096;

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
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

}  // namespace

pid_t find_target(const std::string& pid_option, const std::string& pid_file) {
    pid_t pid = 1;
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
    const std::string comm = trim(read_text(fmt::format("/proc/{}/comm", pid)));
    std::string argv0 = read_text(fmt::format("/proc/{}/cmdline", pid));
    argv0 = argv0.substr(0, argv0.find('\0'));
    if (comm != "clawinit" && base_name(argv0) != "clawinit")
        throw TargetError(
            fmt::format("pid {} is not clawinit (it is '{}')", pid, comm.empty() ? argv0 : comm));
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
