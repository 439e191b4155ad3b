// The subcommands' HTTP GETs (status, probe, stop --wait, restart --wait) to clawinit's own
// probe server: probe/http_client.hpp's client, the one the checks use, run on an io_context
// of the call's own until its step is done or the deadline has passed. Blocking is right
// here: a subcommand does one thing at a time, and stop --wait must know the server has its
// question before it sends SIGTERM.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "config/endpoint.hpp"

namespace clawinit {

struct HttpResult {
    int status{0};  // 0: no HTTP answer at all (see error)
    std::string body;
    std::string error;  // "connect 127.0.0.1:8899: Connection refused", "no answer in time", ...
};

using Deadline = std::chrono::steady_clock::time_point;

// One request in flight: connected and sent, the answer not yet (fully) read.
struct HttpExchange {
    struct State;  // the io_context and the client
    std::shared_ptr<State> state;
    std::string error;  // non-empty: the exchange failed

    // Keep the connection open until this process exits (stop --wait: see subcommands.cpp).
    void leave_open();
};

HttpExchange http_send(const IpEndpoint& address, const std::string& path, Deadline deadline);
// Reads until the end of the answer's head; false (and error set) if it did not come in time.
bool http_read_head(HttpExchange& exchange, Deadline deadline);
// Reads the rest of the answer and returns its status and body.
HttpResult http_finish(HttpExchange& exchange, Deadline deadline);

// `timeout` bounds the whole exchange, connect included.
HttpResult http_get(const IpEndpoint& address, const std::string& path,
                    std::chrono::milliseconds timeout);

}  // namespace clawinit
