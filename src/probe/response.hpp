// The bytes of one probe answer on the wire: status line, headers, body. Pure, so the framing
// rules (HEAD, keep-alive, HTTP/1.0 clients) are unit tests and the socket code writes one
// buffer per answer instead of running Beast's generic serializer over a header container
// (half of the server's user-space time under wrk at -Os).
#pragma once

#include <string>
#include <string_view>

#include "probe/answer.hpp"

namespace clawinit {

struct ResponseFraming {
    bool keep_alive{true};  // the request asked to keep the connection (HTTP/1.1 default)
    bool head{false};       // HEAD: the headers of the GET, no body
    bool http10{false};     // an HTTP/1.0 request: keeping the connection must be said
};

// Appends the response to `out` (a buffer the session reuses, so a steady stream of probes
// allocates nothing here). The connection stays open after it only if the client asked and
// the answer does not close it; http_response_keeps_alive() says which.
void append_http_response(std::string& out, const ProbeAnswer& answer,
                          const ResponseFraming& framing);
bool http_response_keeps_alive(const ProbeAnswer& answer, const ResponseFraming& framing);

// What a request Beast's parser refused (malformed, oversized, with a body) gets: one 400,
// then the connection closes, since the byte stream is no longer at a request boundary.
ProbeAnswer bad_request_answer();

// The head of the answer to `GET /status?wait=exit` (`clawinit stop --wait`): sent when the
// request arrives, so the client knows it is registered; the body, the final status, follows
// at exit and ends with the connection, so there is no Content-Length.
std::string_view exit_wait_head();

}  // namespace clawinit
