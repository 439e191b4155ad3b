// libFuzzer target: the probe server's parsing path. Raw bytes go into the same Beast parser
// with the same limits as probe/server.cpp (4 KiB of headers, no body), fed in pieces the
// way a socket delivers them; a complete request is then answered by answer_probe(), exactly
// as ProbeSession::on_read does, pipelined requests included, and put into the bytes
// ProbeSession writes (probe/response.hpp).
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "probe/answer.hpp"
#include "probe/response.hpp"
#include "probe/server.hpp"

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const clawinit::ProbeLimits limits;
    const clawinit::ProbeSnapshot snapshot;
    // The first byte picks how many bytes each "read" delivers (1..256).
    const std::size_t chunk = size ? (data[0] % 256) + 1 : 1;
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    if (!rest.empty()) rest.remove_prefix(1);
    for (int requests = 0; requests < 64; ++requests) {  // pipelined requests on one stream
        http::request_parser<http::empty_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
        parser.body_limit(0);
        parser.eager(true);
        std::size_t available = 0;  // bytes "received" so far and not yet consumed
        boost::beast::error_code ec;
        while (!parser.is_done()) {
            if (available == rest.size()) {
                if (rest.empty() || available == 0) return 0;
                parser.put_eof(ec);
                break;
            }
            available = std::min(rest.size(), available + chunk);
            const std::size_t used = parser.put(boost::asio::buffer(rest.data(), available), ec);
            if (ec == http::error::need_more) {
                ec = {};
                rest.remove_prefix(used);
                available -= used;
                continue;
            }
            if (ec) break;
            rest.remove_prefix(used);
            available -= used;
        }
        if (ec || !parser.is_done()) return 0;  // the server answers 400 or closes
        const auto& request = parser.get();
        const auto answer =
            clawinit::answer_probe(request.method_string(), request.target(), snapshot);
        if (answer.status < 200 || answer.status > 599) std::abort();
        // The bytes that go on the wire: one head, ended once, and the body the length says.
        const clawinit::ResponseFraming framing{.keep_alive = request.keep_alive(),
                                                .head = request.method() == http::verb::head,
                                                .http10 = request.version() == 10};
        std::string wire;
        clawinit::append_http_response(wire, answer, framing);
        const std::size_t head_end = wire.find("\r\n\r\n");
        if (!wire.starts_with("HTTP/1.1 ") || head_end == std::string::npos) std::abort();
        const std::size_t body = wire.size() - head_end - 4;
        if (body != (framing.head ? 0 : answer.body.size())) std::abort();
        if (answer.close || !request.keep_alive()) return 0;
    }
    return 0;
}
