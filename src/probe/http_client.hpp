// clawinit's one HTTP client: a GET to an IP endpoint as named asynchronous steps (connect,
// send the request and read the answer's head, read the body to its end) on a caller's
// io_context. The ready and live checks run it on the Runtime's loop and stop at the head (a
// tcp check stops at the connect); the CLI (cli/http_get.cpp) runs it on an io_context of
// its own to a deadline. Each step reports an error_code; none throws.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "config/endpoint.hpp"

namespace clawinit {

class HttpClient {
public:
    using Step = std::function<void(const boost::system::error_code&)>;

    // The answers clawinit reads are small: a probe server's JSON, a gateway's health page.
    static constexpr std::size_t k_body_limit = 1 << 20;

    // `user_agent` empty: no User-Agent header.
    HttpClient(boost::asio::io_context& io, const IpEndpoint& server, const std::string& path,
               std::string_view user_agent);

    // The caller keeps the client alive until `done` has run; each step starts after the
    // previous one succeeded.
    void connect(Step done);
    void request_head(Step done);  // write the GET, read the answer up to its blank line
    void read_body(Step done);     // the rest, until Content-Length or the server's close

    // The step under way or last failed: "connect", "write" or "read" (for messages).
    std::string_view stage() const { return m_stage; }
    unsigned status() const { return m_parser->get().result_int(); }
    const std::string& body() const { return m_parser->get().body(); }
    // Ends the exchange; a step in flight reports operation_aborted.
    void close();
    // Leaves the socket open when this client goes; the process's exit closes it.
    void leave_open();

private:
    void on_written(const boost::system::error_code& ec, const Step& done);

    boost::asio::ip::tcp::endpoint m_server;
    std::string_view m_stage{"connect"};
    // A bare socket and a request written out once: the deadline is the caller's timer, and
    // Beast's tcp_stream and serializer added 60 kB of templates for what is one fixed GET.
    boost::asio::ip::tcp::socket m_socket;
    boost::beast::flat_buffer m_buffer{8192};
    std::string m_request;
    std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> m_parser;
};

}  // namespace clawinit
