// libFuzzer target: the JSON reader, and the two decoders built on it (state.json and the
// final status a `stop --wait` client reads). Beyond "no crash, no leak, bounded stack":
// what the reader accepts, the writer writes back so that it reads the same again, and a
// state that decodes encodes to a state that decodes equal.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "json/reader.hpp"
#include "json/writer.hpp"
#include "runtime/final_status.hpp"
#include "state/state.hpp"

using clawinit::JsonValue;
using clawinit::JsonWriter;

namespace {

void write(JsonWriter& w, const JsonValue& v) {
    switch (v.kind()) {
        case JsonValue::Kind::null:
            w.null();
            return;
        case JsonValue::Kind::boolean:
            w.boolean(*v.boolean());
            return;
        case JsonValue::Kind::string:
            w.string(*v.string());
            return;
        case JsonValue::Kind::number:
            if (const auto i = v.integer<std::int64_t>()) {
                w.integer(*i);
            } else if (const auto d = v.number()) {
                w.number(*d == 0 ? 0.0 : *d);  // "-0.0" would read back as the integer 0
            } else {
                w.null();  // beyond a double's range
            }
            return;
        case JsonValue::Kind::array:
            w.begin_array();
            for (const JsonValue& e : v.values()) write(w, e);
            w.end_array();
            return;
        case JsonValue::Kind::object:
            w.begin_object();
            for (std::size_t i = 0; i < v.keys().size(); ++i) {
                w.key(v.keys()[i]);
                write(w, v.values()[i]);
            }
            w.end_object();
            return;
    }
}

std::string rewrite(const JsonValue& v, clawinit::JsonLayout layout) {
    JsonWriter w(layout);
    write(w, v);
    return w.text();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    const clawinit::JsonParse parsed = clawinit::parse_json(input);
    if (parsed.value.has_value() == !parsed.error.empty()) std::abort();  // one or the other
    if (parsed.value) {
        // The writer's text is JSON, and after one normalisation (numbers) it is a fixed point.
        const std::string once = rewrite(*parsed.value, clawinit::JsonLayout::compact);
        const auto again = clawinit::parse_json(once);
        if (!again.value) std::abort();
        if (rewrite(*again.value, clawinit::JsonLayout::compact) != once) std::abort();
        const auto pretty =
            clawinit::parse_json(rewrite(*again.value, clawinit::JsonLayout::pretty));
        if (!pretty.value || rewrite(*pretty.value, clawinit::JsonLayout::compact) != once)
            std::abort();
    }

    if (const auto state = clawinit::decode_state(input)) {
        const auto back = clawinit::decode_state(clawinit::encode_state(*state));
        if (!back || !(*back == *state)) std::abort();
    }

    if (const auto status = clawinit::parse_final_status(input)) {
        if (!clawinit::parse_final_status(clawinit::final_status_json(*status))) std::abort();
    }
    return 0;
}
