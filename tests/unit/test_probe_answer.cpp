#include <doctest/doctest.h>

#include <csignal>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/answer.hpp"

using clawinit::answer_probe;
using clawinit::k_max_target_bytes;
using clawinit::ProbeAnswer;
using clawinit::ProbeSnapshot;
using clawinit::Status;

namespace {

constexpr std::string_view k_json = "application/json";
constexpr std::string_view k_metrics_type = "text/plain; version=0.0.4; charset=utf-8";

struct State {
    std::string_view name;
    ProbeSnapshot snapshot;
    int live;
    int ready;
    int startup;
    std::string_view ready_reason;  // the reason /ready gives when it answers 503
};

ProbeSnapshot snapshot(Status status, bool live, bool ready, bool started, int pid,
                       std::optional<std::string> reason = std::nullopt) {
    ProbeSnapshot s;
    s.status = status;
    s.live = live;
    s.ready = ready;
    s.started = started;
    s.child_pid = pid;
    s.reason = std::move(reason);
    return s;
}

std::vector<State> states() {
    // Reasons come from the Supervisor (Supervisor::reason); the answer only writes them.
    return {
        {"starting, no child yet",
         snapshot(Status::starting, true, false, false, 0, "child starting"), 200, 503, 503,
         "child starting"},
        {"starting, child not ready yet",
         snapshot(Status::starting, true, false, false, 42, "ready check failing"), 200, 503, 503,
         "ready check failing"},
        {"running, ready", snapshot(Status::running, true, true, true, 42), 200, 200, 200, ""},
        {"unready: ready check failing",
         snapshot(Status::unready, true, false, true, 42,
                  "ready check failing: connection refused"),
         200, 503, 200, "ready check failing: connection refused"},
        {"restarting", snapshot(Status::restarting, true, false, true, 0, "restart requested"), 200,
         503, 200, "restart requested"},
        {"backoff",
         snapshot(Status::backoff, true, false, true, 0, "child crashed, restart pending"), 200,
         503, 200, "child crashed, restart pending"},
        {"stopping", snapshot(Status::stopping, true, false, true, 42, "graceful shutdown"), 200,
         503, 200, "graceful shutdown"},
        {"crash budget spent",
         snapshot(Status::stopping, false, false, true, 0, "crash budget spent"), 503, 503, 200,
         "crash budget spent"},
    };
}

struct PathCase {
    std::string_view path;
    int State::*expected;  // nullptr: always 200
};

const std::vector<PathCase> k_paths{
    {"/health", &State::live},      {"/healthz", &State::live}, {"/livez", &State::live},
    {"/ready", &State::ready},      {"/readyz", &State::ready}, {"/startup", &State::startup},
    {"/startupz", &State::startup}, {"/status", nullptr},       {"/metrics", nullptr},
};

// Valid method tokens that are not GET or HEAD, including one no server knows.
const std::vector<std::string_view> k_other_methods{"POST",  "PUT",  "DELETE", "OPTIONS",
                                                    "PATCH", "BREW", "get",    "CONNECT"};

}  // namespace

TEST_CASE("probe answers: every path x method x state") {
    for (const State& state : states()) {
        CAPTURE(state.name);
        for (const PathCase& path : k_paths) {
            CAPTURE(path.path);
            const int expected = path.expected ? state.*(path.expected) : 200;
            const ProbeAnswer get = answer_probe("GET", path.path, state.snapshot);
            CHECK(get.status == expected);
            CHECK_FALSE(get.close);
            CHECK_FALSE(get.allow.has_value());
            CHECK(get.body.ends_with("\n"));
            CHECK(get.content_type == (path.path == "/metrics" ? k_metrics_type : k_json));

            // HEAD: same status, headers and body size; the server layer drops the body.
            const ProbeAnswer head = answer_probe("HEAD", path.path, state.snapshot);
            CHECK(head.status == get.status);
            CHECK(head.content_type == get.content_type);
            CHECK(head.body == get.body);

            for (const std::string_view method : k_other_methods) {
                CAPTURE(method);
                const ProbeAnswer other = answer_probe(method, path.path, state.snapshot);
                CHECK(other.status == 405);
                CHECK(other.allow == "GET, HEAD");
                CHECK(other.content_type == k_json);
                CHECK(other.body == "{\"error\":\"method not allowed\"}\n");
                CHECK_FALSE(other.close);
            }
            for (const std::string_view garbage : {"", "G ET", "GET\r\n", "(GET)"}) {
                CAPTURE(garbage);
                const ProbeAnswer bad = answer_probe(garbage, path.path, state.snapshot);
                CHECK(bad.status == 400);
                CHECK(bad.close);
            }
        }
        for (const std::string_view method : {"GET", "HEAD", "POST", "OPTIONS", "BREW"}) {
            const ProbeAnswer unknown = answer_probe(method, "/nope", state.snapshot);
            CHECK(unknown.status == 404);
            CHECK(unknown.body == "{\"error\":\"not found\"}\n");
            CHECK(unknown.content_type == k_json);
            CHECK_FALSE(unknown.allow.has_value());
        }
    }
}

TEST_CASE("probe answers: /health, /ready and /startup bodies") {
    for (const State& state : states()) {
        CAPTURE(state.name);
        const std::string live = answer_probe("GET", "/healthz", state.snapshot).body;
        const std::string ready = answer_probe("GET", "/readyz", state.snapshot).body;
        const std::string started = answer_probe("GET", "/startupz", state.snapshot).body;
        if (state.live == 200)
            CHECK(live == "{\"status\":\"ok\"}\n");
        else
            CHECK(live == "{\"status\":\"fail\",\"reason\":\"crash budget spent\"}\n");
        if (state.ready == 200)
            CHECK(ready == "{\"ready\":true}\n");
        else
            CHECK(ready ==
                  "{\"ready\":false,\"reason\":\"" + std::string(state.ready_reason) + "\"}\n");
        CHECK(started == (state.startup == 200 ? "{\"started\":true}\n" : "{\"started\":false}\n"));
    }
    // No reason from the Supervisor: none is made up here.
    const ProbeSnapshot dead = snapshot(Status::running, false, false, true, 42);
    CHECK(answer_probe("GET", "/health", dead).body == "{\"status\":\"fail\"}\n");
}

TEST_CASE("probe answers: /status JSON") {
    ProbeSnapshot s = snapshot(Status::running, true, true, true, 42);
    s.uptime_seconds = 12345.9;
    s.restarts = 1;
    s.last_exit = 1;
    s.restart_signal = SIGUSR2;
    s.restart_timeout_seconds = 300;
    s.stop_timeout_seconds = 305.5;
    s.pid = 7;

    SUBCASE("running") {
        const std::string body = answer_probe("GET", "/status", s).body;
        CHECK(body ==
              R"({"status":"running","uptime":12345,"child":{"pid":42,"restarts":1,"last_exit":1},)"
              R"("restart_signal":"SIGUSR2","restart_timeout":300,"stop_timeout":305.5,"pid":7})"
              "\n");
        // The seed article's shape stays a prefix.
        CHECK(body.starts_with(R"({"status":"running","uptime":12345)"));
    }
    SUBCASE("stopping") {
        s.status = Status::stopping;
        s.reason = "graceful shutdown";
        s.uptime_seconds = 7;
        s.restarts = 0;
        s.last_exit.reset();
        CHECK(
            answer_probe("GET", "/status", s).body ==
            R"({"status":"stopping","uptime":7,"child":{"pid":42,"restarts":0,"last_exit":null},"reason":"graceful shutdown",)"
            R"("restart_signal":"SIGUSR2","restart_timeout":300,"stop_timeout":305.5,"pid":7})"
            "\n");
    }
    SUBCASE("no child") {
        s.status = Status::backoff;
        s.child_pid = 0;
        s.restarts = 3;
        s.last_exit = 137;
        CHECK(
            answer_probe("GET", "/status", s).body ==
            R"({"status":"backoff","uptime":12345,"child":{"pid":null,"restarts":3,"last_exit":137},)"
            R"("restart_signal":"SIGUSR2","restart_timeout":300,"stop_timeout":305.5,"pid":7})"
            "\n");
    }
    SUBCASE("reason and status are JSON-escaped") {
        s.status = Status::running;
        s.reason = "check said \"no\"\n";
        CHECK(answer_probe("GET", "/status", s).body.find(R"(,"reason":"check said \"no\"\n",)") !=
              std::string::npos);
        s.ready = false;
        CHECK(answer_probe("GET", "/ready", s).body ==
              R"({"ready":false,"reason":"check said \"no\"\n"})"
              "\n");
    }
    SUBCASE("uptime that cannot be shown as whole seconds reads 0") {
        s.uptime_seconds = -3;
        CHECK(answer_probe("GET", "/status", s)
                  .body.starts_with(R"({"status":"running","uptime":0,)"));
        s.uptime_seconds = std::numeric_limits<double>::quiet_NaN();
        CHECK(answer_probe("GET", "/status", s)
                  .body.starts_with(R"({"status":"running","uptime":0,)"));
    }
}

TEST_CASE("probe answers: request-targets") {
    const ProbeSnapshot s = snapshot(Status::running, true, true, true, 42);
    struct TargetCase {
        std::string target;
        int status;
    };
    const std::vector<TargetCase> cases{
        // Query and fragment do not take part in routing.
        {"/health?x=1", 200},
        {"/health?", 200},
        {"/health#top", 200},
        {"/ready?probe=k8s&x=/status", 200},
        // Strict: no trailing slash, no case folding, no percent-decoding.
        {"/health/", 404},
        {"/Health", 404},
        {"/heal%74h", 404},
        {"/", 404},
        {"//", 404},
        {"//health", 404},
        {"/health/../health", 404},
        {"/" + std::string(k_max_target_bytes - 1, 'a'), 404},
        // Absolute-form, as HTTP/1.1 servers must accept.
        {"http://localhost:8080/health", 200},
        {"HTTP://localhost/readyz?x=1", 200},
        {"https://probe.example/status", 200},
        {"http://localhost", 404},
        {"http://localhost?x=/health", 404},
        // Malformed: 400 and close.
        {"", 400},
        {"*", 400},
        {"health", 400},
        {"ready?x=1", 400},
        {"http:///health", 400},
        {"http://", 400},
        {"ftp://host/health", 400},
        {"/hea lth", 400},
        {"/health\r\n", 400},
        {"/health\t", 400},
        {std::string("/health\0", 8), 400},
        {"/h\xc3\xa9", 400},
        {"/" + std::string(10 * 1024, 'a'), 400},
        {"/health?" + std::string(k_max_target_bytes, 'x'), 400},
    };
    for (const TargetCase& c : cases) {
        CAPTURE(c.target.substr(0, 80));
        const ProbeAnswer answer = answer_probe("GET", c.target, s);
        CHECK(answer.status == c.status);
        CHECK(answer.close == (c.status == 400));
        CHECK(answer.content_type == k_json);
        if (c.status == 400) CHECK(answer.body == "{\"error\":\"bad request\"}\n");
        // A malformed target is refused before the method is looked at.
        if (c.status == 400) CHECK(answer_probe("POST", c.target, s).status == 400);
    }
    CHECK(answer_probe("GET", "http://localhost/metrics", s).content_type == k_metrics_type);
    CHECK(answer_probe("DELETE", "http://localhost/health", s).status == 405);
}

TEST_CASE("probe answers leak nothing beyond the snapshot") {
    ProbeSnapshot s = snapshot(Status::running, true, true, true, 4242);
    s.last_exit = 3;
    for (const PathCase& path : k_paths) {
        CAPTURE(path.path);
        const std::string body = answer_probe("GET", path.path, s).body;
        // Only /status names the child's pid; metrics deliberately leave it out.
        CHECK((body.find("4242") != std::string::npos) == (path.path == "/status"));
    }
}
