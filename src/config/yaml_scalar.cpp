#include "config/yaml_scalar.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "config/yaml_tree.hpp"
#include "json/escape.hpp"

namespace clawinit {
namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

// One UTF-8 sequence at text[at]: its code point and length, or k_invalid and 1.
constexpr char32_t k_invalid = 0xFFFFFFFF;
std::pair<char32_t, std::size_t> decode(std::string_view text, std::size_t at) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
    const unsigned char lead = byte(0);
    if (lead < 0x80) return {lead, 1};
    const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
    if (length == 0 || lead > 0xF4 || at + length > text.size()) return {k_invalid, 1};
    char32_t code = lead & (0x7F >> length);
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xC0) != 0x80) return {k_invalid, 1};
        code = (code << 6) | (byte(i) & 0x3F);
    }
    constexpr char32_t k_smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < k_smallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
        return {k_invalid, 1};
    return {code, length};
}

// What YAML reads as itself anywhere: not a control character, not a line break of its own
// (NEL, LS, PS fold like newlines), not a byte-order mark or non-character.
bool is_printable(char32_t code) {
    if (code < 0x20) return false;
    if (code >= 0x7F && code <= 0x9F) return false;  // DEL and the C1 controls, NEL among them
    return code != 0x2028 && code != 0x2029 && code != 0xFEFF && code != 0xFFFE && code != 0xFFFF &&
           code != k_invalid;
}

// What would read back as something else when written plain: null, an indicator that starts
// another kind of node, a comment, flow punctuation (the value may sit in a flow list),
// a "key: value" split, blanks the parser trims, characters it refuses or folds.
bool needs_quotes(std::string_view value) {
    if (is_null_word(value)) return true;
    if (is_blank(value.front()) || is_blank(value.back()) || value.back() == ':') return true;
    const char first = value.front();
    if (first == '-') {
        if (value.size() == 1 || is_blank(value[1])) return true;  // a sequence entry
    } else if (std::string_view("?:,[]{}#&*!|>'\"%@`").find(first) != std::string_view::npos) {
        return true;
    }
    for (std::size_t i = 0; i < value.size();) {
        const char c = value[i];
        if (c == ',' || c == '[' || c == ']' || c == '{' || c == '}') return true;
        if (c == '#' && is_blank(value[i - 1])) return true;  // i > 0: a first '#' is above
        // "a: b" splits; libyaml refuses ":?" inside a flow list. (A last ':' is above.)
        if (c == ':' && (is_blank(value[i + 1]) || value[i + 1] == '?')) return true;
        const auto [code, length] = decode(value, i);
        if (!is_printable(code)) return true;
        i += length;
    }
    return false;
}

// JSON's escapes are YAML's too (json_escape: `"`, `\`, \n, \r, \t); what JSON passes through
// and YAML cannot hold raw gets one of YAML's: \N, \L, \P for its own line breaks, \xNN or
// \uXXXX for the rest. A byte that is not UTF-8 (from a flag or the environment: a file's text
// is checked by the parser) can only be written as the character of the same number, \xNN.
std::string yaml_escape(char32_t code, unsigned char byte) {
    switch (code) {
        case 0x85:
            return "\\N";
        case 0x2028:
            return "\\L";
        case 0x2029:
            return "\\P";
        case k_invalid:
            return fmt::format("\\x{:02x}", byte);
        default:
            return code <= 0xFF ? fmt::format("\\x{:02x}", static_cast<unsigned>(code))
                                : fmt::format("\\u{:04x}", static_cast<unsigned>(code));
    }
}

std::string double_quoted(std::string_view value) {
    std::string out = "\"";
    std::size_t run = 0;  // where the text json_escape takes as it is begins
    for (std::size_t i = 0; i < value.size();) {
        const auto [code, length] = decode(value, i);
        if (!is_printable(code) && code != '\n' && code != '\r' && code != '\t') {
            out += json_escape(value.substr(run, i - run));
            out += yaml_escape(code, static_cast<unsigned char>(value[i]));
            run = i + length;
        }
        i += length;
    }
    return out + json_escape(value.substr(run)) + "\"";
}

}  // namespace

std::string yaml_scalar(std::string_view value) {
    return needs_quotes(value) ? double_quoted(value) : std::string(value);
}

std::string yaml_comment_text(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        const auto [code, length] = decode(text, i);
        if (code == '\n') {
            out += "\\n";
        } else if (code == '\r') {
            out += "\\r";
        } else if (code == '\t' || is_printable(code)) {
            out.append(text.substr(i, length));
        } else {
            out += '?';
        }
        i += length;
    }
    return out;
}

std::string yaml_flow_list(const std::vector<std::string>& values) {
    std::string out = "[";
    for (const std::string& value : values) {
        if (out.size() > 1) out += ", ";
        out += yaml_scalar(value);
    }
    return out + "]";
}

}  // namespace clawinit
