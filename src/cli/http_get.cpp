#include "cli/http_get.hpp"

#include <fmt/format.h>

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/error.hpp>
#include <optional>

#include "probe/http_client.hpp"

namespace clawinit {

namespace {

using Clock = std::chrono::steady_clock;
using ErrorCode = boost::system::error_code;
namespace http = boost::beast::http;

}  // namespace

struct HttpExchange::State {
    State(const IpEndpoint& server, const std::string& path) : client(io, server, path, {}) {}
    boost::asio::io_context io;
    HttpClient client;
    bool have_head{false};
};

void HttpExchange::leave_open() {
    if (state) state->client.leave_open();
}

namespace {

using StepFunction = void (HttpClient::*)(HttpClient::Step);

// Runs one step of the client to its end or to the deadline; its error, or timed_out.
ErrorCode run_step(HttpExchange::State& s, StepFunction step, Deadline deadline) {
    std::optional<ErrorCode> result;
    (s.client.*step)([&result](const ErrorCode& ec) { result = ec; });
    s.io.restart();
    s.io.run_until(deadline);
    if (result) return *result;
    // Out of time: abandon the step, and let its handler run while `result` still exists.
    s.client.close();
    s.io.restart();
    s.io.run();
    return boost::asio::error::timed_out;
}

// What went wrong while reading the answer, in the words of the subcommands' messages.
std::string read_error(const ErrorCode& ec) {
    if (ec == boost::asio::error::timed_out) return "no answer in time";
    if (ec == http::error::end_of_stream || ec == http::error::partial_message)
        return "connection closed before an answer";
    if (ec == http::error::body_limit) return "answer too large";
    if (ec.category() == http::make_error_code(http::error::bad_version).category())
        return "not an HTTP answer";
    return "recv: " + ec.message();
}

}  // namespace

HttpExchange http_send(const IpEndpoint& address, const std::string& path, Deadline deadline) {
    HttpExchange ex;
    ex.state = std::make_shared<HttpExchange::State>(address, path);
    const ErrorCode connected = run_step(*ex.state, &HttpClient::connect, deadline);
    if (connected == boost::asio::error::timed_out)
        ex.error = fmt::format("connect {}: timed out", format_address(address));
    else if (connected)
        ex.error = fmt::format("connect {}: {}", format_address(address), connected.message());
    return ex;
}

bool http_read_head(HttpExchange& ex, Deadline deadline) {
    if (!ex.error.empty()) return false;
    const ErrorCode ec = run_step(*ex.state, &HttpClient::request_head, deadline);
    ex.state->have_head = !ec;
    if (!ec) return true;
    if (ex.state->client.stage() == "write")
        ex.error =
            ec == boost::asio::error::timed_out ? "send: timed out" : "send: " + ec.message();
    else
        ex.error = read_error(ec);
    return false;
}

HttpResult http_finish(HttpExchange& ex, Deadline deadline) {
    if (ex.error.empty() && !ex.state->have_head) http_read_head(ex, deadline);
    if (!ex.error.empty()) return {0, {}, ex.error};
    if (const ErrorCode ec = run_step(*ex.state, &HttpClient::read_body, deadline))
        return {0, {}, read_error(ec)};
    return {static_cast<int>(ex.state->client.status()), ex.state->client.body(), {}};
}

HttpResult http_get(const IpEndpoint& address, const std::string& path,
                    std::chrono::milliseconds timeout) {
    const Deadline deadline = Clock::now() + timeout;
    HttpExchange ex = http_send(address, path, deadline);
    return http_finish(ex, deadline);
}

}  // namespace clawinit
