#include "runtime/final_status.hpp"

#include "json/reader.hpp"
#include "json/writer.hpp"

namespace clawinit {

std::string final_status_json(const FinalStatus& s) {
    namespace key = final_status_key;
    JsonWriter w;
    w.begin_object();
    w.key(key::status).string("exited");
    w.key(key::exit_code).integer(s.exit_code);
    w.key(key::last_exit);
    s.last_exit ? w.integer(*s.last_exit) : w.null();
    w.key(key::stop_seconds);
    s.stop_seconds ? w.fixed(*s.stop_seconds, 3) : w.null();
    w.key(key::killed).boolean(s.killed);
    w.key(key::restarts).integer(s.restarts);
    w.end_object();
    return w.text() + '\n';
}

std::optional<FinalStatus> parse_final_status(std::string_view body, std::string* error) {
    namespace key = final_status_key;
    auto fail = [&](std::string why) -> std::optional<FinalStatus> {
        if (error) *error = std::move(why);
        return std::nullopt;
    };
    const JsonParse parsed = parse_json(body);
    if (!parsed.value) return fail(parsed.error);
    const JsonValue& doc = *parsed.value;
    auto field = [&](std::string_view name) {
        static const JsonValue k_absent;  // null: absent reads like null, then fails its type
        const JsonValue* v = doc.find(name);
        return v ? v : &k_absent;
    };
    FinalStatus s;
    const auto exit_code = field(key::exit_code)->integer<int>();
    const auto killed = field(key::killed)->boolean();
    const auto restarts = field(key::restarts)->integer<std::uint64_t>();
    if (!exit_code || !killed || !restarts)
        return fail("missing or mistyped exit_code, killed or restarts");
    s.exit_code = *exit_code;
    s.killed = *killed;
    s.restarts = *restarts;
    if (!field(key::last_exit)->is_null()) {
        s.last_exit = field(key::last_exit)->integer<int>();
        if (!s.last_exit) return fail("last_exit is not an integer or null");
    }
    if (!field(key::stop_seconds)->is_null()) {
        s.stop_seconds = field(key::stop_seconds)->number();
        if (!s.stop_seconds) return fail("stop_seconds is not a number or null");
    }
    return s;
}

}  // namespace clawinit
