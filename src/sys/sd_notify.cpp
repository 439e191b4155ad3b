#include "sys/sd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstring>
#include <system_error>

namespace clawinit {

namespace {

std::optional<std::uint64_t> positive_number(const char* text) {
    if (!text || !*text) return std::nullopt;
    const std::string_view s(text);
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size() || value == 0) return std::nullopt;
    return value;
}

}  // namespace

std::optional<NotifyAddress> notify_address(std::string_view variable, std::string& error) {
    constexpr std::size_t k_max = sizeof(sockaddr_un::sun_path);
    if (variable.empty()) {
        error = "NOTIFY_SOCKET is empty";
        return std::nullopt;
    }
    if (variable.front() != '/' && variable.front() != '@') {
        error = "NOTIFY_SOCKET '" + std::string(variable) +
                "' is neither an absolute path nor an abstract '@' address";
        return std::nullopt;
    }
    // A path needs room for its NUL; an abstract name is counted exactly.
    if (variable.size() > (variable.front() == '@' ? k_max : k_max - 1)) {
        error = "NOTIFY_SOCKET is longer than a socket address can be";
        return std::nullopt;
    }
    NotifyAddress address{std::string(variable)};
    if (address.path.front() == '@') address.path.front() = '\0';
    return address;
}

std::optional<std::chrono::microseconds> watchdog_period(const char* watchdog_usec,
                                                         const char* watchdog_pid, pid_t own_pid) {
    const std::optional<std::uint64_t> usec = positive_number(watchdog_usec);
    if (!usec) return std::nullopt;
    if (watchdog_pid && *watchdog_pid) {
        const std::optional<std::uint64_t> pid = positive_number(watchdog_pid);
        if (!pid || *pid != static_cast<std::uint64_t>(own_pid)) return std::nullopt;
    }
    // Twice per period, so one late turn of the loop is not a missed ping.
    return std::chrono::microseconds(std::max<std::uint64_t>(*usec / 2, 1));
}

bool is_notify_variable(std::string_view env_entry) {
    for (const std::string_view key : {"NOTIFY_SOCKET=", "WATCHDOG_USEC=", "WATCHDOG_PID="})
        if (env_entry.substr(0, key.size()) == key) return true;
    return false;
}

std::vector<std::string> without_notify_variables(std::vector<std::string> env) {
    std::erase_if(env, [](const std::string& entry) { return is_notify_variable(entry); });
    return env;
}

NotifySocket::NotifySocket(NotifyAddress address) : m_address(std::move(address)) {}

int NotifySocket::send(std::string_view message) {
    if (!m_fd) {
        m_fd.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
        if (!m_fd) return errno;
    }
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, m_address.path.data(), m_address.path.size());
    // An abstract address is exactly its bytes; a path is measured up to its NUL.
    const socklen_t length =
        static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + m_address.path.size() +
                               (m_address.path.front() == '\0' ? 0 : 1));
    if (::sendto(m_fd.get(), message.data(), message.size(), MSG_NOSIGNAL,
                 reinterpret_cast<const sockaddr*>(&addr), length) < 0)
        return errno;
    return 0;
}

}  // namespace clawinit
