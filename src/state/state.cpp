#include "state/state.hpp"

#include <algorithm>

#include "json/reader.hpp"
#include "json/writer.hpp"

namespace clawinit {

namespace {

// A count: an integer of at most k_max_count, so that adding to it cannot wrap.
bool read_count(const JsonValue& v, std::uint64_t& out) {
    const auto value = v.integer<std::uint64_t>();
    if (!value || *value > k_max_count) return false;
    out = *value;
    return true;
}

// An integer field: no fraction or exponent, and it must fit the type, so a huge or negative
// value is corrupt rather than silently wrapped.
template <typename Int>
bool read_integer(const JsonValue& v, Int& out) {
    const auto value = v.integer<Int>();
    if (value) out = *value;
    return value.has_value();
}

template <typename T>
bool read_nullable(const JsonValue& v, std::optional<T>& out) {
    if (v.is_null()) return out.reset(), true;
    std::optional<T> value;
    if constexpr (std::is_same_v<T, double>)
        value = v.number();
    else
        value = v.integer<T>();
    out = value;
    return value.has_value();
}

bool read_restarts(const JsonValue& v, std::map<std::string, std::uint64_t>& out) {
    if (v.kind() != JsonValue::Kind::object) return false;
    for (std::size_t i = 0; i < v.keys().size(); ++i) {
        if (!read_count(v.values()[i], out[v.keys()[i]])) return false;
    }
    return true;
}

bool read_member(const std::string& key, const JsonValue& v, PersistedState& s) {
    if (key == "boot_count") return read_count(v, s.boot_count);
    if (key == "started_at") return read_integer(v, s.started_at);
    if (key == "updated_at") return read_integer(v, s.updated_at);
    if (key == "restarts") return read_restarts(v, s.restarts);
    if (key == "last_restart_at") return read_integer(v, s.last_restart_at);
    if (key == "last_exit") return read_nullable(v, s.last_exit);
    if (key == "last_stop_reason") {
        if (v.string()) s.last_stop_reason = *v.string();
        return v.string() != nullptr;
    }
    if (key == "last_stop_seconds") return read_nullable(v, s.last_stop_seconds);
    if (key == "kills_after_grace") return read_count(v, s.kills_after_grace);
    if (key == "last_stop_killed") {
        const auto value = v.boolean();
        if (value) s.last_stop_killed = *value;
        return value.has_value();
    }
    return true;  // a key a newer clawinit wrote
}

}  // namespace

std::string encode_state(const PersistedState& s) {
    JsonWriter w(JsonLayout::pretty);
    w.begin_object();
    w.key("boot_count").integer(std::min(s.boot_count, k_max_count));
    w.key("started_at").integer(s.started_at);
    w.key("updated_at").integer(s.updated_at);
    w.key("restarts").begin_object();
    for (const auto& [reason, count] : s.restarts)
        w.key(reason).integer(std::min(count, k_max_count));
    w.end_object();
    w.key("last_restart_at").integer(s.last_restart_at);
    w.key("last_exit");
    s.last_exit ? w.integer(*s.last_exit) : w.null();
    w.key("last_stop_reason").string(s.last_stop_reason);
    w.key("last_stop_seconds");
    s.last_stop_seconds ? w.number(*s.last_stop_seconds) : w.null();
    w.key("last_stop_killed").boolean(s.last_stop_killed);
    w.key("kills_after_grace").integer(std::min(s.kills_after_grace, k_max_count));
    w.end_object();
    return w.text() + '\n';
}

std::optional<PersistedState> decode_state(std::string_view text) {
    const JsonParse parsed = parse_json(text);
    if (!parsed.value || parsed.value->kind() != JsonValue::Kind::object) return std::nullopt;
    const JsonValue& doc = *parsed.value;
    PersistedState state;
    for (std::size_t i = 0; i < doc.keys().size(); ++i) {
        if (!read_member(doc.keys()[i], doc.values()[i], state)) return std::nullopt;
    }
    return state;
}

}  // namespace clawinit
