// runtime/notifier: the plan's datagrams reach the socket, and the watchdog pings only while
// clawinit's live view holds.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/notifier.hpp"
#include "temp_dir.hpp"

using namespace clawinit;
using namespace std::chrono_literals;

namespace {

struct Listener {
    explicit Listener(const std::string& path) : fd(::socket(AF_UNIX, SOCK_DGRAM, 0)) {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strcpy(addr.sun_path, path.c_str());
        REQUIRE(::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
    }
    std::vector<std::string> drain() const {
        std::vector<std::string> messages;
        char buffer[512];
        ssize_t n;
        while ((n = ::recv(fd.get(), buffer, sizeof buffer, MSG_DONTWAIT)) >= 0)
            messages.emplace_back(buffer, static_cast<std::size_t>(n));
        return messages;
    }
    Fd fd;
};

}  // namespace

TEST_CASE("the notifier sends what changed, and pings the watchdog only while live") {
    TempDir dir("notifier");
    const std::string path = dir / "notify.sock";
    Listener listener(path);
    boost::asio::io_context io;
    std::string error;
    Notifier notifier(io, *notify_address(path, error), 1ms);

    notifier.update({Status::running, std::nullopt, true, false}, false);
    CHECK(listener.drain() == std::vector<std::string>{"READY=1\nSTATUS=running"});
    notifier.update({Status::running, std::nullopt, true, false}, false);
    io.run_for(50ms);  // ~50 watchdog turns, none of them live
    CHECK(listener.drain().empty());

    notifier.update({Status::running, std::nullopt, true, false}, true);
    std::vector<std::string> pings;
    for (int turn = 0; turn < 3000 && pings.empty(); ++turn) {  // a deadline, not a target
        io.run_for(10ms);
        pings = listener.drain();
    }
    REQUIRE_FALSE(pings.empty());
    for (const std::string& ping : pings) CHECK(ping == "WATCHDOG=1");
}

TEST_CASE("without WATCHDOG_USEC no ping is ever sent") {
    TempDir dir("notifier");
    const std::string path = dir / "notify.sock";
    Listener listener(path);
    boost::asio::io_context io;
    std::string error;
    Notifier notifier(io, *notify_address(path, error), std::nullopt);
    notifier.update({Status::running, std::nullopt, true, false}, true);
    io.run_for(20ms);
    CHECK(listener.drain() == std::vector<std::string>{"READY=1\nSTATUS=running"});
}
