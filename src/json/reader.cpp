#include "json/reader.hpp"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <utility>

namespace clawinit {

std::optional<bool> JsonValue::boolean() const {
    if (m_kind != Kind::boolean) return std::nullopt;
    return m_bool;
}

const std::string* JsonValue::string() const {
    return m_kind == Kind::string ? &m_text : nullptr;
}

std::optional<double> JsonValue::number() const {
    if (m_kind != Kind::number) return std::nullopt;
    // strtod, not std::from_chars: libstdc++'s floating from_chars costs the static binary 24 kB
    // beside the strtod libc already has. The text passed JSON's grammar, which is also strtod's
    // in the "C" locale clawinit never leaves. Too large is out of range; ERANGE on a subnormal
    // (4.9e-324) is only strtod's note that precision was lost, and the value is the nearest.
    errno = 0;
    char* end = nullptr;
    const double value = std::strtod(m_text.c_str(), &end);
    if (end != m_text.c_str() + m_text.size()) return std::nullopt;
    if (errno == ERANGE && std::isinf(value)) return std::nullopt;
    return value;
}

const JsonValue* JsonValue::find(std::string_view key) const {
    if (m_kind != Kind::object) return nullptr;
    for (std::size_t i = 0; i < m_keys.size(); ++i) {
        if (m_keys[i] == key) return &m_values[i];
    }
    return nullptr;
}

// Recursive descent; every method returns false on the first error, after recording it.
class JsonParser {
public:
    explicit JsonParser(std::string_view text) : m_text(text) {}

    JsonParse parse() {
        JsonValue value;
        skip_space();
        if (value_into(value, 1)) {
            skip_space();
            if (m_pos == m_text.size()) return {std::move(value), {}};
            fail("trailing characters after the value");
        }
        return {std::nullopt, "at byte " + std::to_string(m_error_at) + ": " + m_error};
    }

private:
    bool fail(const char* what) {
        if (m_error.empty()) {
            m_error = what;
            m_error_at = m_pos;
        }
        return false;
    }

    static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
    void skip_space() {
        while (m_pos < m_text.size() && is_space(m_text[m_pos])) ++m_pos;
    }
    bool accept(char c) {
        if (m_pos < m_text.size() && m_text[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }
    bool literal(std::string_view word) {
        if (m_text.substr(m_pos, word.size()) != word) return fail("not a JSON value");
        m_pos += word.size();
        return true;
    }

    bool value_into(JsonValue& out, int depth) {
        if (m_pos >= m_text.size()) return fail("expected a value, got the end of the text");
        switch (m_text[m_pos]) {
            case '{':
                return object_into(out, depth);
            case '[':
                return array_into(out, depth);
            case '"':
                out.m_kind = JsonValue::Kind::string;
                return string_into(out.m_text);
            case 't':
                out.m_kind = JsonValue::Kind::boolean;
                out.m_bool = true;
                return literal("true");
            case 'f':
                out.m_kind = JsonValue::Kind::boolean;
                return literal("false");
            case 'n':
                out.m_kind = JsonValue::Kind::null;
                return literal("null");
            default:
                out.m_kind = JsonValue::Kind::number;
                return number_into(out.m_text);
        }
    }

    bool object_into(JsonValue& out, int depth) {
        if (depth > k_json_max_depth) return fail("nested too deeply");
        out.m_kind = JsonValue::Kind::object;
        ++m_pos;  // '{'
        skip_space();
        if (accept('}')) return true;
        std::set<std::string, std::less<>> seen;  // a linear find would make 10^5 keys take minutes
        for (;;) {
            skip_space();
            std::string key;
            if (m_pos >= m_text.size() || m_text[m_pos] != '"') return fail("expected a key");
            const std::size_t key_at = m_pos;
            if (!string_into(key)) return false;
            if (!seen.insert(key).second) {
                m_pos = key_at;  // the error names where the second one starts
                return fail("a key given twice");
            }
            skip_space();
            if (!accept(':')) return fail("expected ':' after a key");
            skip_space();
            JsonValue member;
            if (!value_into(member, depth + 1)) return false;
            out.m_keys.push_back(std::move(key));
            out.m_values.push_back(std::move(member));
            skip_space();
            if (accept('}')) return true;
            if (!accept(',')) return fail("expected ',' or '}' in an object");
        }
    }

    bool array_into(JsonValue& out, int depth) {
        if (depth > k_json_max_depth) return fail("nested too deeply");
        out.m_kind = JsonValue::Kind::array;
        ++m_pos;  // '['
        skip_space();
        if (accept(']')) return true;
        for (;;) {
            skip_space();
            JsonValue element;
            if (!value_into(element, depth + 1)) return false;
            out.m_values.push_back(std::move(element));
            skip_space();
            if (accept(']')) return true;
            if (!accept(',')) return fail("expected ',' or ']' in an array");
        }
    }

    bool digits() {
        const std::size_t start = m_pos;
        while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9') ++m_pos;
        return m_pos > start;
    }

    // Checked against the grammar, so from_chars later never sees what JSON rejects (a leading
    // '+', "01", ".5", "1.", "inf", "NaN").
    bool number_into(std::string& out) {
        const std::size_t start = m_pos;
        accept('-');
        if (!accept('0') && !digits()) return fail("not a JSON value");
        if (accept('.') && !digits()) return fail("expected digits after '.'");
        if (accept('e') || accept('E')) {
            if (!accept('+')) accept('-');
            if (!digits()) return fail("expected digits in the exponent");
        }
        out.assign(m_text.substr(start, m_pos - start));
        return true;
    }

    bool string_into(std::string& out) {
        ++m_pos;  // '"'
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c == '"') {
                ++m_pos;
                return true;
            }
            if (static_cast<unsigned char>(c) < 0x20) return fail("a control byte in a string");
            ++m_pos;
            if (c != '\\') {
                out += c;
            } else if (!escape_into(out)) {
                return false;
            }
        }
        return fail("a string without its closing quote");
    }

    bool escape_into(std::string& out) {
        if (m_pos >= m_text.size()) return fail("a string without its closing quote");
        switch (m_text[m_pos++]) {
            case '"':
                out += '"';
                return true;
            case '\\':
                out += '\\';
                return true;
            case '/':
                out += '/';
                return true;
            case 'b':
                out += '\b';
                return true;
            case 'f':
                out += '\f';
                return true;
            case 'n':
                out += '\n';
                return true;
            case 'r':
                out += '\r';
                return true;
            case 't':
                out += '\t';
                return true;
            case 'u':
                return unicode_into(out);
            default:
                return fail("an unknown escape in a string");
        }
    }

    std::optional<unsigned> hex4() {
        if (m_text.size() - m_pos < 4) return std::nullopt;
        unsigned value = 0;
        const char* first = m_text.data() + m_pos;
        const auto [end, ec] = std::from_chars(first, first + 4, value, 16);
        if (ec != std::errc() || end != first + 4) return std::nullopt;
        m_pos += 4;
        return value;
    }

    // \uXXXX, a surrogate pair for code points above the BMP; a lone surrogate is not a
    // character, so the text is not JSON we trust.
    bool unicode_into(std::string& out) {
        const auto unit = hex4();
        if (!unit) return fail("expected four hex digits after \\u");
        if (*unit >= 0xdc00 && *unit <= 0xdfff) return fail("a lone low surrogate");
        std::uint32_t code = *unit;
        if (code >= 0xd800 && code <= 0xdbff) {
            if (!accept('\\') || !accept('u')) return fail("a high surrogate without its pair");
            const auto low = hex4();
            if (!low || *low < 0xdc00 || *low > 0xdfff)
                return fail("a high surrogate without its pair");
            code = 0x10000 + ((code - 0xd800) << 10) + (*low - 0xdc00);
        }
        append_utf8(out, code);
        return true;
    }

    static void append_utf8(std::string& out, std::uint32_t code) {
        if (code < 0x80) {
            out += static_cast<char>(code);
        } else if (code < 0x800) {
            out += static_cast<char>(0xc0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3f));
        } else if (code < 0x10000) {
            out += static_cast<char>(0xe0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (code & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (code >> 18));
            out += static_cast<char>(0x80 | ((code >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (code & 0x3f));
        }
    }

    std::string_view m_text;
    std::size_t m_pos{0};
    std::string m_error;
    std::size_t m_error_at{0};
};

JsonParse parse_json(std::string_view text) {
    return JsonParser(text).parse();
}

}  // namespace clawinit
