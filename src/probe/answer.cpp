#include "probe/answer.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "config/signal_names.hpp"
#include "json/escape.hpp"
#include "probe/metrics.hpp"

namespace clawinit {
namespace {

enum class Probe { live, ready, startup, healthcheck, status, metrics };

struct Route {
    std::string_view path;
    Probe probe;
};

// Exact matches only: "/ready/" and "/READY" are 404, and percent-encoded spellings are not
// decoded. A probe is configured once by an operator; a strict table means a typo shows up
// as a 404 at deploy time instead of being answered by a guess.
constexpr std::array<Route, 10> k_routes{{
    {"/health", Probe::live},
    {"/healthz", Probe::live},
    {"/livez", Probe::live},
    {"/ready", Probe::ready},
    {"/readyz", Probe::ready},
    {"/startup", Probe::startup},
    {"/startupz", Probe::startup},
    {"/healthcheck", Probe::healthcheck},
    {"/status", Probe::status},
    {"/metrics", Probe::metrics},
}};

constexpr std::string_view k_allowed_methods = "GET, HEAD";

ProbeAnswer make_answer(int status, std::string_view content_type, std::string body) {
    ProbeAnswer answer;
    answer.status = status;
    answer.content_type = content_type;
    answer.body = std::move(body);
    return answer;
}

ProbeAnswer json_answer(int status, std::string body) {
    body += '\n';
    return make_answer(status, k_json_content_type, std::move(body));
}

ProbeAnswer bad_request() {
    ProbeAnswer answer = json_answer(400, R"({"error":"bad request"})");
    // After a malformed request the byte stream cannot be trusted to be at a request boundary.
    answer.close = true;
    return answer;
}

bool is_ascii_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// RFC 9110 token: the only shape a method can have.
bool is_token(std::string_view text) {
    constexpr std::string_view k_token_symbols = "!#$%&'*+-.^_`|~";
    if (text.empty()) return false;
    for (const char c : text) {
        const bool ok = is_ascii_alpha(c) || (c >= '0' && c <= '9') ||
                        k_token_symbols.find(c) != std::string_view::npos;
        if (!ok) return false;
    }
    return true;
}

// Whitespace, controls and non-ASCII bytes never belong in a request-target.
bool has_forbidden_byte(std::string_view text) {
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte >= 0x7f) return true;
    }
    return false;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        const char a = text[i];
        const char lowered = (a >= 'A' && a <= 'Z') ? static_cast<char>(a - 'A' + 'a') : a;
        if (lowered != prefix[i]) return false;
    }
    return true;
}

// The path of an origin-form or absolute-form target, without query or fragment; nullopt when
// the target is malformed. Absolute-form is what HTTP/1.1 servers must accept (RFC 9112
// 3.2.2) and what some proxies send. "*" (asterisk-form) is refused: the probe server has no
// server-wide OPTIONS to offer.
std::optional<std::string_view> request_path(std::string_view target) {
    if (target.empty() || target.size() > k_max_target_bytes || has_forbidden_byte(target)) {
        return std::nullopt;
    }
    target = target.substr(0, target.find_first_of("?#"));
    if (target.starts_with('/')) return target;

    for (const std::string_view scheme :
         {std::string_view("http://"), std::string_view("https://")}) {
        if (!starts_with_ignoring_case(target, scheme)) continue;
        const std::string_view rest = target.substr(scheme.size());
        const auto slash = rest.find('/');
        if (slash == 0 || rest.empty()) return std::nullopt;  // an http URI needs a host
        // "http://host" has an empty path, which means "/" (RFC 9112 3.2.2).
        return slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
    }
    return std::nullopt;
}

std::optional<Probe> find_probe(std::string_view path) {
    for (const Route& route : k_routes) {
        if (route.path == path) return route.probe;
    }
    return std::nullopt;
}

std::string quoted(std::string_view text) {
    return '"' + json_escape(text) + '"';
}

// Whole seconds; a clock that went backwards or a NaN reads as 0 instead of garbage.
std::uint64_t whole_seconds(double seconds) {
    if (!(seconds >= 0)) return 0;
    constexpr double k_max = static_cast<double>(std::numeric_limits<std::int64_t>::max());
    return seconds >= k_max ? static_cast<std::uint64_t>(k_max)
                            : static_cast<std::uint64_t>(seconds);
}

// The reason, if the Supervisor gave one, as a trailing JSON member. Reasons are decided in
// one place (Supervisor::reason); this layer only writes them.
std::string reason_member(const ProbeSnapshot& s) {
    return s.reason ? R"(,"reason":)" + quoted(*s.reason) : std::string();
}

ProbeAnswer answer_live(const ProbeSnapshot& s) {
    if (s.live) return json_answer(200, R"({"status":"ok"})");
    return json_answer(503, R"({"status":"fail")" + reason_member(s) + "}");
}

ProbeAnswer answer_ready(const ProbeSnapshot& s) {
    if (s.ready) return json_answer(200, R"({"ready":true})");
    return json_answer(503, R"({"ready":false)" + reason_member(s) + "}");
}

ProbeAnswer answer_startup(const ProbeSnapshot& s) {
    if (s.started) return json_answer(200, R"({"started":true})");
    return json_answer(503, R"({"started":false})");
}

ProbeAnswer answer_healthcheck(const ProbeSnapshot& s) {
    if (!s.unhealthy_reason) return json_answer(200, R"({"healthy":true})");
    return json_answer(503, R"({"healthy":false,"reason":)" + quoted(*s.unhealthy_reason) + "}");
}

// Key order is fixed (status, uptime, child, reason) so the seed article's
// {"status":"running","uptime":12345} stays a prefix of what clients see.
ProbeAnswer answer_status(const ProbeSnapshot& s) {
    std::string body = R"({"status":)" + quoted(status_name(s.status));
    body += R"(,"uptime":)" + std::to_string(whole_seconds(s.uptime_seconds));
    body += R"(,"child":{"pid":)" + (s.child_pid > 0 ? std::to_string(s.child_pid) : "null");
    body += R"(,"restarts":)" + std::to_string(s.restarts);
    body += R"(,"last_exit":)" + (s.last_exit ? std::to_string(*s.last_exit) : "null") + "}";
    body += reason_member(s);
    // For `clawinit stop/restart` run without the container's config (see snapshot.hpp).
    if (s.restart_signal > 0)
        body += R"(,"restart_signal":)" + quoted(signal_name(s.restart_signal));
    body += R"(,"restart_timeout":)" + format_sample_value(s.restart_timeout_seconds);
    body += R"(,"stop_timeout":)" + format_sample_value(s.stop_timeout_seconds);
    if (s.pid > 0) body += R"(,"pid":)" + std::to_string(s.pid);
    body += "}";
    return json_answer(200, std::move(body));
}

ProbeAnswer answer_metrics(const ProbeSnapshot& s) {
    return make_answer(200, k_metrics_content_type, render_metrics(s));
}

ProbeAnswer answer_known(Probe probe, const ProbeSnapshot& s) {
    switch (probe) {
        case Probe::live:
            return answer_live(s);
        case Probe::ready:
            return answer_ready(s);
        case Probe::startup:
            return answer_startup(s);
        case Probe::healthcheck:
            return answer_healthcheck(s);
        case Probe::status:
            return answer_status(s);
        case Probe::metrics:
            return answer_metrics(s);
    }
    return json_answer(404, R"({"error":"not found"})");
}

}  // namespace

ProbeAnswer answer_probe(std::string_view method, std::string_view target, const ProbeSnapshot& s) {
    const auto path = request_path(target);
    if (!path || !is_token(method)) return bad_request();

    const auto probe = find_probe(*path);
    if (!probe) return json_answer(404, R"({"error":"not found"})");

    if (method != "GET" && method != "HEAD") {
        ProbeAnswer answer = json_answer(405, R"({"error":"method not allowed"})");
        answer.allow = k_allowed_methods;
        return answer;
    }
    return answer_known(*probe, s);
}

}  // namespace clawinit
