// A small JSON writer: objects, arrays, strings, numbers, booleans and null, escaped through
// json/escape.hpp, separators placed by the writer so a comma can never trail. Compact
// (`{"a":1,"b":[true]}`) for answers on the wire and log lines; pretty (two-space indent, one
// member per line) for files people read, such as state.json.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace clawinit {

enum class JsonLayout { compact, pretty };

class JsonWriter {
public:
    explicit JsonWriter(JsonLayout layout = JsonLayout::compact) : m_layout(layout) {}

    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    // Inside an object, every value is preceded by its key.
    JsonWriter& key(std::string_view name);

    JsonWriter& string(std::string_view text);
    JsonWriter& boolean(bool value);
    JsonWriter& null();
    template <std::integral Int>
    requires(!std::same_as<Int, bool>) JsonWriter& integer(Int value) {
        return raw(std::to_string(value));
    }
    // The shortest text that reads back as the same double. JSON has no NaN or infinity:
    // those are written as null, so the document stays readable.
    JsonWriter& number(double value);
    // A fixed number of decimals ("1.250"), for durations people read; non-finite as null.
    JsonWriter& fixed(double value, int decimals);

    // The document; throws std::logic_error if a container is still open or nothing was
    // written. A misuse of the writer (a value without a key in an object, a key in an array,
    // an end that does not match) throws std::logic_error at once: it is a bug in the caller.
    const std::string& text() const;

private:
    struct Frame {
        bool object;
        bool has_members{false};
        bool key_pending{false};
    };
    JsonWriter& raw(std::string_view token);  // a scalar token, already valid JSON
    void before_value();
    JsonWriter& open(char bracket, bool object);
    JsonWriter& close(char bracket, bool object);
    void newline_indent(std::size_t depth);

    JsonLayout m_layout;
    std::string m_out;
    std::vector<Frame> m_stack;
    bool m_done{false};  // the top-level value is complete
};

}  // namespace clawinit
