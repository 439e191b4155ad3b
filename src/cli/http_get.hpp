// A blocking HTTP/1.1 GET for the subcommands (status, probe, stop --wait, restart --wait).
// Plain sockets and poll(): it must work in a FROM-scratch image, where there is no curl, and
// it talks only to clawinit's own probe server.
#pragma once

#include <chrono>
#include <string>

#include "config/endpoint.hpp"
#include "sys/fd.hpp"

namespace clawinit {

struct HttpResult {
    int status{0};      // 0: no HTTP answer at all (see error)
    std::string body;
    std::string error;  // "connect 127.0.0.1:8899: Connection refused", "timed out", ...
};

using Deadline = std::chrono::steady_clock::time_point;

// One request in flight: connected and sent, the answer not yet (fully) read.
struct HttpExchange {
    Fd fd;
    std::string received;
    std::string error;  // non-empty: the exchange failed
};

HttpExchange http_send(const IpEndpoint& address, const std::string& path, Deadline deadline);
// Reads until the end of the answer's head; false (and error set) if it did not come in time.
bool http_read_head(HttpExchange& exchange, Deadline deadline);
// Reads until the server closes, then splits status and body.
HttpResult http_finish(HttpExchange& exchange, Deadline deadline);

// `timeout` bounds the whole exchange, connect included.
HttpResult http_get(const IpEndpoint& address, const std::string& path,
                    std::chrono::milliseconds timeout);

}  // namespace clawinit
