#include "probe/status_document.hpp"

#include <cmath>
#include <limits>

#include "config/signal_names.hpp"
#include "json/reader.hpp"
#include "json/writer.hpp"

namespace clawinit {

namespace {

// Whole seconds; a clock that went backwards or a NaN reads as 0 instead of garbage.
std::uint64_t whole_seconds(double seconds) {
    if (!(seconds >= 0)) return 0;
    constexpr double k_max = static_cast<double>(std::numeric_limits<std::int64_t>::max());
    return seconds >= k_max ? static_cast<std::uint64_t>(k_max)
                            : static_cast<std::uint64_t>(seconds);
}

template <typename Enum, std::size_t N>
std::optional<Enum> by_name(const std::array<Enum, N>& all, std::string_view (*name)(Enum),
                            std::string_view text) {
    for (const Enum value : all)
        if (name(value) == text) return value;
    return std::nullopt;
}

}  // namespace

StatusDocument status_document(const ProbeSnapshot& s) {
    StatusDocument doc;
    doc.status = s.status;
    if (s.reason) doc.reason = s.reason->text();
    doc.uptime_seconds = whole_seconds(s.uptime_seconds);
    doc.child_pid = s.child_pid;
    doc.restarts = s.restarts;
    doc.last_exit = s.last_exit;
    doc.restart_signal = s.restart_signal;
    doc.restart_timeout_seconds = s.restart_timeout_seconds;
    doc.stop_timeout_seconds = s.stop_timeout_seconds;
    doc.pid = s.pid;
    doc.last_restart = s.last_restart;
    return doc;
}

std::string status_json(const StatusDocument& d) {
    namespace key = status_key;
    JsonWriter w;
    w.begin_object();
    w.key(key::status).string(status_name(d.status));
    w.key(key::uptime).integer(d.uptime_seconds);
    w.key(key::child).begin_object();
    w.key(key::child_pid);
    d.child_pid > 0 ? w.integer(d.child_pid) : w.null();
    w.key(key::restarts).integer(d.restarts);
    w.key(key::last_exit);
    d.last_exit ? w.integer(*d.last_exit) : w.null();
    w.end_object();
    if (d.reason) w.key(key::reason).string(*d.reason);
    if (d.restart_signal > 0) w.key(key::restart_signal).string(signal_name(d.restart_signal));
    w.key(key::restart_timeout).number(d.restart_timeout_seconds);
    w.key(key::stop_timeout).number(d.stop_timeout_seconds);
    if (d.pid > 0) w.key(key::pid).integer(d.pid);
    w.key(key::last_restart).begin_object();
    w.key(key::request).integer(d.last_restart.request);
    w.key(key::outcome).string(restart_outcome_name(d.last_restart.outcome));
    w.end_object();
    w.end_object();
    return w.text();
}

std::optional<StatusDocument> parse_status(std::string_view body, std::string* error) {
    namespace key = status_key;
    auto fail = [&](std::string why) -> std::optional<StatusDocument> {
        if (error) *error = std::move(why);
        return std::nullopt;
    };
    const JsonParse parsed = parse_json(body);
    if (!parsed.value) return fail(parsed.error);
    const JsonValue& root = *parsed.value;
    static const JsonValue k_absent;  // null
    auto field = [](const JsonValue& in, std::string_view name) {
        const JsonValue* v = in.find(name);
        return v ? v : &k_absent;
    };
    StatusDocument d;
    const std::string* status = field(root, key::status)->string();
    const auto known = status ? by_name(k_all_statuses, status_name, *status) : std::nullopt;
    if (!known) return fail("status is not one of clawinit's status words");
    d.status = *known;
    const auto uptime = field(root, key::uptime)->integer<std::uint64_t>();
    const JsonValue& child = *field(root, key::child);
    const auto restarts = field(child, key::restarts)->integer<std::uint64_t>();
    if (!uptime || !restarts) return fail("missing or mistyped uptime or child.restarts");
    d.uptime_seconds = *uptime;
    d.restarts = *restarts;
    if (!field(child, key::child_pid)->is_null()) {
        const auto pid = field(child, key::child_pid)->integer<int>();
        if (!pid) return fail("child.pid is not an integer or null");
        d.child_pid = *pid;
    }
    if (!field(child, key::last_exit)->is_null()) {
        d.last_exit = field(child, key::last_exit)->integer<int>();
        if (!d.last_exit) return fail("child.last_exit is not an integer or null");
    }
    if (const std::string* reason = field(root, key::reason)->string()) d.reason = *reason;
    if (const std::string* name = field(root, key::restart_signal)->string())
        d.restart_signal = parse_signal(*name).value_or(0);
    d.restart_timeout_seconds = field(root, key::restart_timeout)->number().value_or(0);
    d.stop_timeout_seconds = field(root, key::stop_timeout)->number().value_or(0);
    d.pid = field(root, key::pid)->integer<int>().value_or(0);
    const JsonValue& last = *field(root, key::last_restart);
    d.last_restart.request = field(last, key::request)->integer<std::uint64_t>().value_or(0);
    if (const std::string* outcome = field(last, key::outcome)->string()) {
        const auto named = by_name(k_all_restart_outcomes, restart_outcome_name, *outcome);
        if (!named) return fail("last_restart.outcome is not a known outcome");
        d.last_restart.outcome = *named;
    }
    return d;
}

}  // namespace clawinit
