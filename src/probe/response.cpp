#include "probe/response.hpp"

#include <fmt/format.h>

#include <boost/beast/http/status.hpp>
#include <iterator>
#include <string_view>

namespace clawinit {

bool http_response_keeps_alive(const ProbeAnswer& answer, const ResponseFraming& framing) {
    return framing.keep_alive && !answer.close;
}

void append_http_response(std::string& out, const ProbeAnswer& answer,
                          const ResponseFraming& framing) {
    const std::string_view reason =
        boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(answer.status));
    auto it = std::back_inserter(out);
    it = fmt::format_to(it, "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nCache-Control: no-store\r\n",
                        answer.status, reason, answer.content_type);
    if (answer.allow) it = fmt::format_to(it, "Allow: {}\r\n", *answer.allow);
    // HEAD carries the GET's Content-Length (RFC 9110 9.3.2), so a HEAD probe sees the same
    // headers a GET would.
    it = fmt::format_to(it, "Content-Length: {}\r\n", answer.body.size());
    if (!http_response_keeps_alive(answer, framing))
        out += "Connection: close\r\n";
    else if (framing.http10)
        out += "Connection: keep-alive\r\n";  // HTTP/1.0 closes unless told otherwise
    out += "\r\n";
    if (!framing.head) out += answer.body;
}

ProbeAnswer bad_request_answer() {
    return ProbeAnswer{400, k_json_content_type, "{\"error\":\"bad request\"}\n", true, {}};
}

std::string_view exit_wait_head() {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
           "Connection: close\r\n\r\n";
}

}  // namespace clawinit
