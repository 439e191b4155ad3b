#include "probe/http_client.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>

namespace clawinit {

namespace beast = boost::beast;
namespace http = beast::http;

HttpClient::HttpClient(boost::asio::io_context& io, const IpEndpoint& server,
                       const std::string& path, std::string_view user_agent)
    : m_server(server.ip, server.port), m_socket(io) {
    m_request = "GET " + path + " HTTP/1.1\r\nHost: " + format_address(server) + "\r\n";
    if (!user_agent.empty()) m_request.append("User-Agent: ").append(user_agent).append("\r\n");
    m_request += "Connection: close\r\n\r\n";
}

void HttpClient::connect(Step done) {
    m_stage = "connect";
    m_socket.async_connect(m_server, std::move(done));
}

void HttpClient::request_head(Step done) {
    m_stage = "write";
    boost::asio::async_write(m_socket, boost::asio::buffer(m_request),
                             [this, done = std::move(done)](const beast::error_code& ec,
                                                            std::size_t) { on_written(ec, done); });
}

void HttpClient::on_written(const beast::error_code& ec, const Step& done) {
    if (ec) return done(ec);
    m_stage = "read";
    m_parser.emplace();
    m_parser->body_limit(k_body_limit);
    http::async_read_header(m_socket, m_buffer, *m_parser,
                            [done](const beast::error_code& rec, std::size_t) { done(rec); });
}

void HttpClient::read_body(Step done) {
    http::async_read(
        m_socket, m_buffer, *m_parser,
        [done = std::move(done)](const beast::error_code& ec, std::size_t) { done(ec); });
}

void HttpClient::close() {
    boost::system::error_code ignored;
    m_socket.close(ignored);
}

void HttpClient::leave_open() {
    boost::system::error_code ignored;
    (void)m_socket.release(ignored);
}

}  // namespace clawinit
