// sys/sd_notify: the NOTIFY_SOCKET address forms, the watchdog period, the child's environment,
// and one real datagram to a path and to an abstract socket.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "sys/sd_notify.hpp"
#include "temp_dir.hpp"

using namespace clawinit;
using namespace std::chrono_literals;

namespace {

// A datagram socket bound to sun_path bytes `path` (abstract when it starts with '\0').
Fd bound_socket(const std::string& path) {
    Fd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    REQUIRE(fd);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.data(), path.size());
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() +
                                               (path.front() == '\0' ? 0 : 1));
    REQUIRE(::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), length) == 0);
    return fd;
}

std::string receive(const Fd& fd) {
    char buffer[512];
    const ssize_t n = ::recv(fd.get(), buffer, sizeof buffer, MSG_DONTWAIT);
    REQUIRE(n >= 0);
    return std::string(buffer, static_cast<std::size_t>(n));
}

}  // namespace

TEST_CASE("NOTIFY_SOCKET: an absolute path, or '@' for an abstract socket") {
    std::string error;
    CHECK(notify_address("/run/systemd/notify", error)->path == "/run/systemd/notify");
    CHECK(notify_address("@/org/x/notify", error)->path == std::string("\0/org/x/notify", 14));
    for (const char* bad : {"", "relative/sock", "vsock:2:1234"}) {
        CAPTURE(bad);
        error.clear();
        CHECK_FALSE(notify_address(bad, error));
        CHECK_FALSE(error.empty());
    }
    CHECK_FALSE(notify_address("/" + std::string(sizeof(sockaddr_un::sun_path), 'x'), error));
    CHECK(error == "NOTIFY_SOCKET is longer than a socket address can be");
}

TEST_CASE("the watchdog pings at half WATCHDOG_USEC, for this pid only") {
    CHECK(watchdog_period("30000000", nullptr, 7) == 15s);
    CHECK(watchdog_period("30000000", "7", 7) == 15s);
    CHECK(watchdog_period("30000000", "", 7) == 15s);
    CHECK_FALSE(watchdog_period("30000000", "8", 7));  // another process's watchdog
    CHECK_FALSE(watchdog_period(nullptr, nullptr, 7));
    CHECK_FALSE(watchdog_period("0", nullptr, 7));
    CHECK_FALSE(watchdog_period("-5", nullptr, 7));
    CHECK_FALSE(watchdog_period("30s", nullptr, 7));
    CHECK(watchdog_period("1", nullptr, 7) == 1us);
}

TEST_CASE("the child's environment loses NOTIFY_SOCKET and WATCHDOG_*, nothing else") {
    const std::vector<std::string> env{"PATH=/bin",           "NOTIFY_SOCKET=/run/n",
                                       "WATCHDOG_USEC=5",     "WATCHDOG_PID=1",
                                       "NOTIFY_SOCKETS=kept", "X=NOTIFY_SOCKET="};
    CHECK(without_notify_variables(env) ==
          std::vector<std::string>{"PATH=/bin", "NOTIFY_SOCKETS=kept", "X=NOTIFY_SOCKET="});
}

TEST_CASE("a message reaches a socket at a path and an abstract one") {
    TempDir dir("notify");
    const std::string path = dir / "notify.sock";
    Fd at_path = bound_socket(path);
    std::string error;
    NotifySocket to_path(*notify_address(path, error));
    CHECK(to_path.send("READY=1") == 0);
    CHECK(receive(at_path) == "READY=1");

    const std::string name = "@clawinit-test-" + std::to_string(::getpid());
    const NotifyAddress abstract = *notify_address(name, error);
    Fd listener = bound_socket(abstract.path);
    NotifySocket to_abstract(abstract);
    CHECK(to_abstract.send("STOPPING=1\nSTATUS=stopping") == 0);
    CHECK(receive(listener) == "STOPPING=1\nSTATUS=stopping");
}

TEST_CASE("nobody listening is an errno, not a throw") {
    TempDir dir("notify");
    std::string error;
    NotifySocket socket(*notify_address(dir / "absent.sock", error));
    CHECK(socket.send("READY=1") == ENOENT);
}
