#include <doctest/doctest.h>

#include <string>

#include "probe/response.hpp"

using clawinit::append_http_response;
using clawinit::http_response_keeps_alive;
using clawinit::k_json_content_type;
using clawinit::k_metrics_content_type;
using clawinit::ProbeAnswer;
using clawinit::ResponseFraming;

namespace {

ProbeAnswer ok_json() {
    return ProbeAnswer{200, k_json_content_type, "{\"status\":\"ok\"}\n", false, {}};
}

std::string render(const ProbeAnswer& answer, const ResponseFraming& framing) {
    std::string out;
    append_http_response(out, answer, framing);
    return out;
}

}  // namespace

TEST_CASE("a GET kept alive: status line, headers, Content-Length, body") {
    CHECK(render(ok_json(), {}) ==
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
          "Content-Length: 16\r\n\r\n{\"status\":\"ok\"}\n");
    CHECK(http_response_keeps_alive(ok_json(), {}));
}

TEST_CASE("HEAD has the GET's headers, Content-Length included, and no body") {
    const std::string get = render(ok_json(), {});
    const std::string head = render(ok_json(), ResponseFraming{.head = true});
    CHECK(head == get.substr(0, get.find("\r\n\r\n") + 4));
    CHECK(head.find("Content-Length: 16\r\n") != std::string::npos);
}

TEST_CASE("a client that asked to close gets Connection: close, and the connection closes") {
    const ResponseFraming framing{.keep_alive = false};
    CHECK(render(ok_json(), framing).find("\r\nConnection: close\r\n\r\n") != std::string::npos);
    CHECK_FALSE(http_response_keeps_alive(ok_json(), framing));
}

TEST_CASE("an answer that closes (400) closes even a keep-alive connection") {
    const ProbeAnswer bad{400, k_json_content_type, "{\"error\":\"bad request\"}\n", true, {}};
    const std::string out = render(bad, {});
    CHECK(out.starts_with("HTTP/1.1 400 Bad Request\r\n"));
    CHECK(out.find("\r\nConnection: close\r\n") != std::string::npos);
    CHECK_FALSE(http_response_keeps_alive(bad, {}));
}

TEST_CASE("an HTTP/1.0 client keeping the connection is told so; one that does not is told close") {
    CHECK(
        render(ok_json(), ResponseFraming{.http10 = true}).find("\r\nConnection: keep-alive\r\n") !=
        std::string::npos);
    const std::string closing =
        render(ok_json(), ResponseFraming{.keep_alive = false, .http10 = true});
    CHECK(closing.find("Connection: keep-alive") == std::string::npos);
    CHECK(closing.find("\r\nConnection: close\r\n") != std::string::npos);
}

TEST_CASE("405 carries Allow; 503 and 404 carry their reason phrases; metrics keep their type") {
    const ProbeAnswer not_allowed{405, k_json_content_type, "{}\n", false,
                                  std::string_view("GET, HEAD")};
    const std::string out = render(not_allowed, {});
    CHECK(out.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"));
    CHECK(out.find("\r\nAllow: GET, HEAD\r\n") != std::string::npos);
    CHECK(render(ProbeAnswer{503, k_json_content_type, "{}\n", false, {}}, {})
              .starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
    CHECK(render(ProbeAnswer{404, k_json_content_type, "{}\n", false, {}}, {})
              .starts_with("HTTP/1.1 404 Not Found\r\n"));
    CHECK(render(ProbeAnswer{200, k_metrics_content_type, "x 1\n", false, {}}, {})
              .find("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n") !=
          std::string::npos);
}

TEST_CASE("the server's own answers: 400 for a refused request, the exit-wait head") {
    const ProbeAnswer bad = clawinit::bad_request_answer();
    CHECK(
        render(bad, ResponseFraming{.keep_alive = false}) ==
        "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
        "Content-Length: 24\r\nConnection: close\r\n\r\n{\"error\":\"bad request\"}\n");
    CHECK_FALSE(http_response_keeps_alive(bad, {}));
    // No Content-Length: the final status that follows ends with the connection.
    CHECK(clawinit::exit_wait_head() ==
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
          "Connection: close\r\n\r\n");
}
