// systemd's notification protocol without libsystemd: one datagram of "KEY=VALUE" lines to the
// AF_UNIX socket named by $NOTIFY_SOCKET (systemd Type=notify, `podman run --sdnotify=container`).
// The address and watchdog rules are pure; NotifySocket is the thin part that sends. What to
// send, and when, is runtime/notify_plan.hpp's decision.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sys/fd.hpp"

namespace clawinit {

// The bytes of a sockaddr_un's sun_path for $NOTIFY_SOCKET, and how many of them count: an
// absolute path ("/run/systemd/notify") ends at its NUL; '@' names an abstract socket, whose
// address is a NUL then the rest, counted exactly. Anything else (empty, relative, a vsock:
// address, too long for sun_path) is nullopt with `error` saying why.
struct NotifyAddress {
    std::string path;  // as it goes into sun_path ('@' already turned into '\0')
};
std::optional<NotifyAddress> notify_address(std::string_view variable, std::string& error);

// The watchdog period systemd asks for, halved as sd_watchdog_enabled() advises: WATCHDOG_USEC
// (a positive count of microseconds), meant for us unless WATCHDOG_PID names another process.
// nullopt: no watchdog (unset, malformed, zero, or another process's).
std::optional<std::chrono::microseconds> watchdog_period(const char* watchdog_usec,
                                                         const char* watchdog_pid, pid_t own_pid);

// The variables that speak to clawinit, not to the gateway: the child's environment loses them
// so a gateway that knows sd_notify does not tell systemd (or Podman) it is the main process.
bool is_notify_variable(std::string_view env_entry);  // "NOTIFY_SOCKET=..." and WATCHDOG_*
std::vector<std::string> without_notify_variables(std::vector<std::string> env);

// The socket: opened once, each message one sendto(). Never throws and never blocks.
class NotifySocket {
public:
    explicit NotifySocket(NotifyAddress address);
    // 0, or the errno of socket()/sendto() (ENOENT/ECONNREFUSED: nobody listens).
    int send(std::string_view message);

private:
    NotifyAddress m_address;
    Fd m_fd;
};

}  // namespace clawinit
