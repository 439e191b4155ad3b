// cli/http_get.cpp (and through it probe/http_client.cpp) against a local server that answers
// whatever the case needs: the answers the subcommands read, and each way an exchange fails,
// with the message a user then sees.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "cli/http_get.hpp"
#include "config/endpoint.hpp"

using namespace clawinit;
using namespace std::chrono_literals;

namespace {

// A listener on 127.0.0.1 whose one connection is served by `serve(fd)` on a thread.
class OneShotServer {
public:
    explicit OneShotServer(std::function<void(int fd)> serve) {
        m_listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(m_listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        socklen_t length = sizeof address;
        ::getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &length);
        m_port = ntohs(address.sin_port);
        REQUIRE(::listen(m_listener, 4) == 0);
        m_thread = std::thread([this, serve = std::move(serve)] {
            const int fd = ::accept(m_listener, nullptr, nullptr);
            if (fd < 0) return;
            serve(fd);
            ::close(fd);
        });
    }
    ~OneShotServer() {
        ::shutdown(m_listener, SHUT_RDWR);  // wakes an accept() that got no connection
        m_thread.join();
        ::close(m_listener);
    }
    IpEndpoint endpoint() const { return parse_ip_endpoint("127.0.0.1:" + std::to_string(m_port)); }

private:
    int m_listener{-1};
    int m_port{0};
    std::thread m_thread;
};

// Reads the request (up to its blank line), then sends `answer`.
std::function<void(int)> answering(std::string answer) {
    return [answer](int fd) {
        std::string request;
        char buffer[1024];
        while (request.find("\r\n\r\n") == std::string::npos) {
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0) return;
            request.append(buffer, static_cast<std::size_t>(n));
        }
        ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
    };
}

}  // namespace

TEST_CASE("http_get reads the status and the body, by Content-Length or to the close") {
    OneShotServer sized(answering("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"));
    const HttpResult a = http_get(sized.endpoint(), "/status", 2s);
    CHECK(a.status == 200);
    CHECK(a.body == "hello");
    CHECK(a.error.empty());

    OneShotServer to_close(
        answering("HTTP/1.1 503 Service Unavailable\r\n\r\n{\"status\":\"x\"}\n"));
    const HttpResult b = http_get(to_close.endpoint(), "/ready", 2s);
    CHECK(b.status == 503);
    CHECK(b.body == "{\"status\":\"x\"}\n");
}

TEST_CASE("http_get says how an exchange failed") {
    OneShotServer closes(answering(""));
    CHECK(http_get(closes.endpoint(), "/", 2s).error == "connection closed before an answer");

    OneShotServer garbage(answering("garbage\r\n\r\n"));
    const HttpResult g = http_get(garbage.endpoint(), "/", 2s);
    CHECK(g.status == 0);
    CHECK(g.error == "not an HTTP answer");

    IpEndpoint refused;
    {
        OneShotServer gone([](int) {});
        refused = gone.endpoint();
    }  // closed: nothing listens there now
    const HttpResult r = http_get(refused, "/", 2s);
    CHECK(r.error == "connect " + format_address(refused) + ": Connection refused");
}

TEST_CASE("http_get gives up at its deadline") {
    OneShotServer silent([](int fd) {
        char byte;
        ::recv(fd, &byte, 1, MSG_PEEK);
        std::this_thread::sleep_for(1s);  // past any deadline below
    });
    const auto start = std::chrono::steady_clock::now();
    const HttpResult result = http_get(silent.endpoint(), "/", 150ms);
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(result.error == "no answer in time");
    CHECK(took >= 150ms);
    CHECK(took < 900ms);  // not the server's close at 1 s
}

TEST_CASE("stop --wait's exchange: the head first, the body when the server closes") {
    // The probe server answers GET /status?wait=exit with a head at once and the final
    // status at exit; the CLI signals clawinit between the two.
    OneShotServer server([](int fd) {
        answering("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")(
            fd);
        std::this_thread::sleep_for(100ms);
        const std::string body = "{\"exit_code\":0}";
        ::send(fd, body.data(), body.size(), MSG_NOSIGNAL);
    });
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    HttpExchange exchange = http_send(server.endpoint(), "/status?wait=exit", deadline);
    REQUIRE(exchange.error.empty());
    REQUIRE(http_read_head(exchange, deadline));
    const HttpResult outcome = http_finish(exchange, deadline);
    CHECK(outcome.status == 200);
    CHECK(outcome.body == "{\"exit_code\":0}");
}
