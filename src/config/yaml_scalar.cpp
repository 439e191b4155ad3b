#include "config/yaml_scalar.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace clawinit {
namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

// What would read back as something else when written plain: null, an indicator that starts
// another kind of node, a comment, flow punctuation (the value may sit in a flow list),
// a "key: value" split, blanks the parser trims, bytes it refuses or folds.
bool needs_quotes(std::string_view value) {
    constexpr std::array<std::string_view, 4> k_null_words = {"~", "null", "Null", "NULL"};
    if (value.empty() || std::ranges::find(k_null_words, value) != k_null_words.end()) return true;
    if (is_blank(value.front()) || is_blank(value.back()) || value.back() == ':') return true;
    const char first = value.front();
    if (first == '-') {
        if (value.size() == 1 || is_blank(value[1])) return true;  // a sequence entry
    } else if (std::string_view("?:,[]{}#&*!|>'\"%@`").find(first) != std::string_view::npos) {
        return true;
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
        const auto c = static_cast<unsigned char>(value[i]);
        if (c < 0x20 || c == 0x7f) return true;
        if (c == ',' || c == '[' || c == ']' || c == '{' || c == '}') return true;
        if (c == '#' && is_blank(value[i - 1])) return true;  // i > 0: a first '#' is above
        if (c == ':' && is_blank(value[i + 1])) return true;  // a last ':' is above
    }
    return false;
}

std::string double_quoted(std::string_view value) {
    std::string out = "\"";
    for (const char c : value) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                    out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

}  // namespace

std::string yaml_scalar(std::string_view value) {
    return needs_quotes(value) ? double_quoted(value) : std::string(value);
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
