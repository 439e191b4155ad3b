// A strict JSON reader (RFC 8259) into a small value tree: what state.json and the CLI need to
// read, nothing more. Strict means the first byte that is not JSON makes the whole text
// unreadable, with the offset and what was expected; duplicate keys are rejected too (a
// document that says two things is not trusted), and nesting is bounded so a hostile text
// cannot exhaust the stack of PID 1.
#pragma once

#include <charconv>
#include <concepts>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clawinit {

// Open arrays and objects allowed at once, the top-level one included. Far above what any
// document clawinit writes needs (two), far below what the stack can hold.
inline constexpr int k_json_max_depth = 32;

class JsonValue {
public:
    enum class Kind { null, boolean, number, string, array, object };

    Kind kind() const { return m_kind; }
    bool is_null() const { return m_kind == Kind::null; }

    std::optional<bool> boolean() const;
    const std::string* string() const;  // nullptr unless a string
    std::optional<double> number() const;
    // An integer that fits Int exactly: no fraction or exponent, in range; else nullopt.
    template <std::integral Int>
    std::optional<Int> integer() const {
        if (m_kind != Kind::number || m_text.find_first_of(".eE") != std::string::npos)
            return std::nullopt;
        Int value{};
        const auto [end, ec] = std::from_chars(m_text.data(), m_text.data() + m_text.size(), value);
        if (ec != std::errc() || end != m_text.data() + m_text.size()) return std::nullopt;
        return value;
    }

    // An object's member by key, or nullptr (absent, or this is not an object).
    const JsonValue* find(std::string_view key) const;
    // An object's keys and values in document order (keys()[i] names values()[i]), or an
    // array's elements (keys() empty). Empty for scalars.
    const std::vector<std::string>& keys() const { return m_keys; }
    const std::vector<JsonValue>& values() const { return m_values; }

private:
    friend class JsonParser;
    Kind m_kind{Kind::null};
    bool m_bool{false};
    std::string m_text;  // a string's bytes, or a number's text
    std::vector<std::string> m_keys;
    std::vector<JsonValue> m_values;
};

struct JsonParse {
    std::optional<JsonValue> value;  // nullopt when the text is not JSON
    std::string error;               // "at byte 12: expected ':' after a key"
};

// One JSON value, optionally surrounded by whitespace, and nothing else.
JsonParse parse_json(std::string_view text);

}  // namespace clawinit
