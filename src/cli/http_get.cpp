#include "cli/http_get.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include <boost/asio/ip/tcp.hpp>

namespace clawinit {

namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Deadline deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

bool wait_for(int fd, short events, Deadline deadline) {
    pollfd p{fd, events, 0};
    for (;;) {
        const int n = ::poll(&p, 1, remaining_ms(deadline));
        if (n < 0 && errno == EINTR) continue;
        return n > 0;
    }
}

}  // namespace

HttpExchange http_send(const IpEndpoint& address, const std::string& path, Deadline deadline) {
    HttpExchange ex;
    const std::string where = format_address(address);
    auto fail = [&](std::string error) {
        ex.error = std::move(error);
        return std::move(ex);
    };
    const boost::asio::ip::tcp::endpoint endpoint(address.ip, address.port);
    ex.fd.reset(::socket(endpoint.data()->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!ex.fd) return fail(fmt::format("socket: {}", std::strerror(errno)));
    const int fd = ex.fd.get();
    if (::connect(fd, endpoint.data(), static_cast<socklen_t>(endpoint.size())) != 0 && errno != EINPROGRESS)
        return fail(fmt::format("connect {}: {}", where, std::strerror(errno)));
    if (!wait_for(fd, POLLOUT, deadline)) return fail(fmt::format("connect {}: timed out", where));
    int so_error = 0;
    socklen_t so_length = sizeof so_error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &so_length);
    if (so_error) return fail(fmt::format("connect {}: {}", where, std::strerror(so_error)));

    const std::string request =
        fmt::format("GET {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", path, where);
    std::size_t sent = 0;
    while (sent < request.size()) {
        if (!wait_for(fd, POLLOUT, deadline)) return fail("send: timed out");
        const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return fail(fmt::format("send: {}", std::strerror(errno)));
        if (n > 0) sent += static_cast<std::size_t>(n);
    }
    return ex;
}

namespace {

// Appends what arrives; false at EOF, error or deadline (error says which, EOF leaves it empty).
bool receive_some(HttpExchange& ex, Deadline deadline) {
    char buffer[4096];
    for (;;) {
        if (!wait_for(ex.fd.get(), POLLIN, deadline)) {
            ex.error = "no answer in time";
            return false;
        }
        const ssize_t n = ::recv(ex.fd.get(), buffer, sizeof buffer, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        if (n < 0) {
            ex.error = fmt::format("recv: {}", std::strerror(errno));
            return false;
        }
        if (n == 0) return false;
        ex.received.append(buffer, static_cast<std::size_t>(n));
        if (ex.received.size() > (1 << 20)) {
            ex.error = "answer too large";
            return false;
        }
        return true;
    }
}

}  // namespace

bool http_read_head(HttpExchange& ex, Deadline deadline) {
    while (ex.error.empty() && ex.received.find("\r\n\r\n") == std::string::npos) {
        if (!receive_some(ex, deadline)) {
            if (ex.error.empty()) ex.error = "connection closed before an answer";
            return false;
        }
    }
    return ex.error.empty();
}

HttpResult http_finish(HttpExchange& ex, Deadline deadline) {
    HttpResult result;
    while (ex.error.empty() && receive_some(ex, deadline)) {
    }
    if (!ex.error.empty()) return {0, {}, ex.error};
    // "HTTP/1.1 200 OK\r\n...\r\n\r\nbody": we asked for Connection: close, so the body is
    // everything after the blank line.
    const std::string& response = ex.received;
    if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return {0, {}, "not an HTTP answer"};
    result.status = std::atoi(response.c_str() + 9);
    const auto end_of_headers = response.find("\r\n\r\n");
    if (end_of_headers != std::string::npos) result.body = response.substr(end_of_headers + 4);
    return result;
}

HttpResult http_get(const IpEndpoint& address, const std::string& path,
                    std::chrono::milliseconds timeout) {
    const Deadline deadline = Clock::now() + timeout;
    HttpExchange ex = http_send(address, path, deadline);
    if (!ex.error.empty()) return {0, {}, ex.error};
    return http_finish(ex, deadline);
}

}  // namespace clawinit
