#include "probe/server.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <optional>
#include <string>
#include <vector>

#include "log/logger.hpp"
#include "probe/answer.hpp"
#include "probe/response.hpp"

namespace clawinit {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// Malformed, oversized or body-carrying requests; a client that simply went away or went
// quiet (end_of_stream, partial_message, timeout) is not owed an answer.
bool is_bad_request(const beast::error_code& ec) {
    if (ec == http::error::buffer_overflow) return true;
    if (ec.category() != beast::http::make_error_code(http::error::bad_method).category())
        return false;
    return ec != http::error::end_of_stream && ec != http::error::partial_message;
}

}  // namespace

std::size_t probe_connection_cap(std::uint64_t fd_limit, std::uint64_t fds_open) {
    constexpr std::uint64_t most = 256;
    const std::uint64_t kept = fds_open + k_probe_fd_reserve;
    if (fd_limit <= kept) return 1;
    return static_cast<std::size_t>(std::min(most, fd_limit - kept));
}

// One connection: read a request (with a deadline), answer it, maybe keep the connection for
// the next one. The server's list owns it; handlers keep it alive while they are pending.
class ProbeSession : public std::enable_shared_from_this<ProbeSession> {
public:
    ProbeSession(tcp::socket socket, ProbeServer& server)
        : m_socket(std::move(socket)),
          m_deadline(m_socket.get_executor()),
          m_server(server),
          m_buffer(server.m_limits.header_limit * 2) {}

    void start(std::list<std::shared_ptr<ProbeSession>>::iterator self) {
        m_self = self;
        do_read();
    }

    // `clawinit stop --wait` asks for the outcome of the stop before it sends SIGTERM; the
    // answer is written only when clawinit is about to exit.
    bool waits_for_exit() const { return m_waits_for_exit; }
    void answer_exit(const std::string& final_status) {
        // The head went out when the request arrived; the body, delimited by the end of our
        // side of the stream, is the outcome.
        m_exit_body = final_status;
        asio::async_write(m_socket, asio::buffer(m_exit_body),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->close();
                              boost::system::error_code ignored;
                              self->m_socket.shutdown(tcp::socket::shutdown_send, ignored);
                              self->await_client_close();
                          });
    }

    void close() {
        if (m_closed) return;
        m_closed = true;
        boost::system::error_code ignored;
        m_deadline.cancel();
        m_socket.shutdown(tcp::socket::shutdown_both, ignored);
        m_socket.close(ignored);
        m_server.forget(m_self);  // may drop the list's reference; ours is in a handler
    }

private:
    // Once we exit, the kernel kills every process left in our PID namespace, and the
    // `clawinit stop --wait` that asked is one of them (`docker exec`, `podman exec`). Its
    // socket closes only as it exits, after printing the outcome, so the connection stays
    // open (and the run loop waits, at most 1 s) until the client's end arrives.
    void await_client_close() {
        m_socket.async_read_some(asio::buffer(m_drain),
                                 [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                     if (ec)
                                         return self->close();  // end of stream: the client is done
                                     self->await_client_close();
                                 });
    }

    void do_read() {
        m_parser.emplace();
        m_parser->header_limit(static_cast<std::uint32_t>(m_server.m_limits.header_limit));
        m_parser->body_limit(0);  // probes carry no body
        arm_deadline();
        http::async_read(
            m_socket, m_buffer, *m_parser,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        if (m_closed) return;
        if (ec) {
            // A broken request gets one 400 and the door; a silent or vanished client just
            // the door.
            if (is_bad_request(ec))
                return reply(bad_request_answer(), ResponseFraming{.keep_alive = false});
            return close();
        }
        const auto& request = m_parser->get();
        const ProbeAnswer answer =
            answer_probe(request.method_string(), request.target(), m_server.m_snapshot());
        if (answer.hold_until_exit) {
            // The head now tells the client it is registered, so it can send its SIGTERM
            // without racing our exit; the body follows at exit (answer_exit).
            m_waits_for_exit = true;
            m_deadline.cancel();
            const std::string_view head = exit_wait_head();
            asio::async_write(m_socket, asio::buffer(head.data(), head.size()),
                              [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                  if (ec) self->close();
                              });
            return;
        }
        reply(answer, ResponseFraming{.keep_alive = request.keep_alive(),
                                      .head = request.method() == http::verb::head,
                                      .http10 = request.version() == 10});
    }

    void reply(const ProbeAnswer& answer, const ResponseFraming& framing) {
        m_out.clear();
        append_http_response(m_out, answer, framing);
        m_keep_alive = http_response_keeps_alive(answer, framing);
        arm_deadline();
        asio::async_write(
            m_socket, asio::buffer(m_out),
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
    }

    void on_write(beast::error_code ec) {
        if (m_closed) return;
        if (ec || !m_keep_alive) return close();
        do_read();
    }

    // A client gets read_timeout for each request and each answer; past it the connection is
    // closed (the pending read or write then ends with operation_aborted). A bare socket and
    // one timer: what Beast's tcp_stream does, without its 60 kB of templates.
    void arm_deadline() {
        m_deadline.expires_after(m_server.m_limits.read_timeout);  // cancels the last one
        m_deadline.async_wait([self = shared_from_this()](beast::error_code ec) {
            // A wait that completed just as the deadline was moved on is stale: the expiry
            // then lies ahead.
            if (!ec && self->m_deadline.expiry() <= asio::steady_timer::clock_type::now())
                self->close();
        });
    }

    tcp::socket m_socket;
    asio::steady_timer m_deadline;
    ProbeServer& m_server;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::empty_body>> m_parser;
    std::string m_out;  // the answer being written; reused, so steady probing allocates nothing
    bool m_keep_alive{false};
    std::list<std::shared_ptr<ProbeSession>>::iterator m_self;
    bool m_closed{false};
    bool m_waits_for_exit{false};
    std::string m_exit_body;
    std::array<char, 64> m_drain{};  // whatever a client sends after its exit question
};

ProbeServer::ProbeServer(asio::io_context& io, const IpEndpoint& address, SnapshotSource snapshot,
                         ProbeLimits limits)
    : m_acceptor(io), m_pause(io), m_snapshot(std::move(snapshot)), m_limits(limits) {
    const tcp::endpoint endpoint(address.ip, address.port);
    boost::system::error_code ec;
    auto fail = [&](const char* call) {
        throw ConfigError(fmt::format("--probe-listen {}: {} failed: {}", format_address(address),
                                      call, ec.message()));
    };
    m_acceptor.open(endpoint.protocol(), ec);
    if (ec) fail("socket");
    // A restarted container must never meet "address in use" from our own old listener.
    m_acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (ec) fail("setsockopt(SO_REUSEADDR)");
    m_acceptor.bind(endpoint, ec);
    if (ec == asio::error::address_in_use)
        throw ConfigError(fmt::format(
            "probe address {}: bind failed: {}: another process holds it; choose another with "
            "--probe-listen ADDR:PORT (CLAWINIT_PROBE_LISTEN, `probe-listen:` in the config file), "
            "or turn the probe server off with --probe-listen off",
            format_address(address), ec.message()));
    if (ec) fail("bind");
    m_acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) fail("listen");
}

ProbeServer::~ProbeServer() {
    close();
}

void ProbeServer::start() {
    do_accept();
}

void ProbeServer::close() {
    if (m_closed) return;
    m_closed = true;
    boost::system::error_code ignored;
    m_acceptor.close(ignored);
    m_pause.cancel();
    while (!m_sessions.empty()) m_sessions.front()->close();
}

bool ProbeServer::exit_awaited() const {
    for (const auto& session : m_sessions)
        if (session->waits_for_exit()) return true;
    return false;
}

void ProbeServer::finish(const std::string& final_status) {
    boost::system::error_code ignored;
    m_acceptor.close(ignored);
    m_pause.cancel();
    const std::vector<std::shared_ptr<ProbeSession>> sessions(m_sessions.begin(), m_sessions.end());
    for (const auto& session : sessions) {
        if (session->waits_for_exit())
            session->answer_exit(final_status);
        else
            session->close();
    }
}

void ProbeServer::do_accept() {
    m_acceptor.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
        on_accept(ec, std::move(socket));
    });
}

void ProbeServer::on_accept(const boost::system::error_code& ec, tcp::socket socket) {
    if (m_closed || ec == asio::error::operation_aborted) return;
    if (ec && ec != asio::error::connection_aborted) {
        // EMFILE, ENFILE, ENOBUFS, ENOMEM: the pending connection stays queued and the
        // listener stays readable, so accepting again at once spins at 100 % CPU and starves
        // every other handler. Pause, and try again once descriptors may have come back.
        if (!m_accept_failing)
            log_event(LogLevel::warn, "probe_accept_failed",
                      fmt::format("probe: accept failed: {}; pausing accepts for {}ms until it "
                                  "works again",
                                  ec.message(), k_accept_pause.count()),
                      {{LogKey::reason, ec.message()}, {LogKey::delay_ms, k_accept_pause}});
        m_accept_failing = true;
        m_pause.expires_after(k_accept_pause);
        m_pause.async_wait([this](const boost::system::error_code& wait_ec) {
            if (!wait_ec && !m_closed) do_accept();
        });
        return;
    }
    if (!ec) {
        if (m_accept_failing)
            log_event(LogLevel::info, "probe_accepting_again", "probe: accepting connections again",
                      {});
        m_accept_failing = false;
        if (m_sessions.size() >= m_limits.max_connections) evict_one();
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        m_sessions.push_back(std::make_shared<ProbeSession>(std::move(socket), *this));
        m_sessions.back()->start(std::prev(m_sessions.end()));
    }
    do_accept();
}

void ProbeServer::forget(std::list<std::shared_ptr<ProbeSession>>::iterator where) {
    m_sessions.erase(where);
}

void ProbeServer::evict_one() {
    if (!m_sessions.empty()) m_sessions.front()->close();
}

}  // namespace clawinit
