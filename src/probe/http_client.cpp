#include "probe/http_client.hpp"

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace clawinit {

namespace beast = boost::beast;
namespace http = beast::http;

HttpClient::HttpClient(boost::asio::io_context& io, const IpEndpoint& server,
                       const std::string& path, std::string_view user_agent)
    : m_server(server.ip, server.port), m_stream(io), m_request(http::verb::get, path, 11) {
    m_request.set(http::field::host, format_address(server));
    if (!user_agent.empty()) m_request.set(http::field::user_agent, user_agent);
    m_request.keep_alive(false);
}

void HttpClient::connect(Step done) {
    m_stage = "connect";
    m_stream.async_connect(m_server, std::move(done));
}

void HttpClient::request_head(Step done) {
    m_stage = "write";
    http::async_write(m_stream, m_request,
                      [this, done = std::move(done)](const beast::error_code& ec, std::size_t) {
                          on_written(ec, done);
                      });
}

void HttpClient::on_written(const beast::error_code& ec, const Step& done) {
    if (ec) return done(ec);
    m_stage = "read";
    m_parser.emplace();
    m_parser->body_limit(k_body_limit);
    http::async_read_header(m_stream, m_buffer, *m_parser,
                            [done](const beast::error_code& rec, std::size_t) { done(rec); });
}

void HttpClient::read_body(Step done) {
    http::async_read(
        m_stream, m_buffer, *m_parser,
        [done = std::move(done)](const beast::error_code& ec, std::size_t) { done(ec); });
}

void HttpClient::close() {
    boost::system::error_code ignored;
    m_stream.socket().close(ignored);
}

void HttpClient::leave_open() {
    boost::system::error_code ignored;
    (void)m_stream.socket().release(ignored);
}

}  // namespace clawinit
