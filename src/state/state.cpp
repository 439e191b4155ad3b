#include "state/state.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <set>
#include <system_error>
#include <utility>
#include <vector>

namespace clawinit {

namespace {

// Deep enough for anything a later format would plausibly add under an unknown key, shallow
// enough that a hostile file cannot exhaust the stack of PID 1.
constexpr int k_max_depth = 16;

std::string quoted(std::string_view text) {
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (const char c : text) {
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
                if (static_cast<unsigned char>(c) < 0x20) {
                    out += "\\u00";
                    out += k_hex[(c >> 4) & 0xf];
                    out += k_hex[c & 0xf];
                } else {
                    out += c;
                }
        }
    }
    return out + '"';
}

// Shortest text that reads back to the same double; JSON has no NaN or infinity, so those
// (which no caller should produce) are written as null rather than as an unreadable file.
std::string format_double(double value) {
    if (!std::isfinite(value)) return "null";
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    return ec == std::errc() ? std::string(buf, end) : "null";
}

std::string format_restarts(const std::map<std::string, std::uint64_t>& restarts) {
    if (restarts.empty()) return "{}";
    std::string out = "{";
    const char* sep = "\n";
    for (const auto& [reason, count] : restarts) {
        out += sep;
        out += "    " + quoted(reason) + ": " + std::to_string(std::min(count, k_max_count));
        sep = ",\n";
    }
    return out + "\n  }";
}

// A strict reader for exactly the JSON that encode_state writes, plus whatever values a newer
// writer might put under keys this one does not know. Every method returns false (or nullopt)
// on the first byte that is not valid JSON; the caller then treats the file as corrupt.
class Parser {
public:
    explicit Parser(std::string_view text) : m_text(text) {}

    void skip_space() {
        while (m_pos < m_text.size() && is_space(m_text[m_pos])) ++m_pos;
    }
    bool at_end() const { return m_pos == m_text.size(); }

    bool consume(char c) {
        skip_space();
        if (m_pos < m_text.size() && m_text[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }

    bool literal(std::string_view word) {
        skip_space();
        if (m_text.substr(m_pos, word.size()) != word) return false;
        m_pos += word.size();
        return true;
    }

    // Calls `member(key)` for each key of an object; `member` must read the value.
    bool object(const std::function<bool(const std::string&)>& member) {
        if (!consume('{')) return false;
        if (consume('}')) return true;
        do {
            skip_space();
            auto key = string();
            if (!key || !consume(':') || !member(*key)) return false;
        } while (consume(','));
        return consume('}');
    }

    std::optional<std::string> string() {
        skip_space();
        if (m_pos >= m_text.size() || m_text[m_pos] != '"') return std::nullopt;
        ++m_pos;
        std::string out;
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos++];
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
            if (c != '\\') {
                out += c;
            } else if (!escape(out)) {
                return std::nullopt;
            }
        }
        return std::nullopt;
    }

    // The text of one JSON number, checked against the grammar, so from_chars never sees
    // anything JSON would reject (a leading '+', "01", ".5", "1.", "inf").
    std::optional<std::string_view> number() {
        skip_space();
        const std::size_t start = m_pos;
        accept('-');
        if (accept('0')) {
            // a leading zero stands alone
        } else if (!digits()) {
            return std::nullopt;
        }
        if (accept('.') && !digits()) return std::nullopt;
        if (accept('e') || accept('E')) {
            if (!accept('+')) accept('-');
            if (!digits()) return std::nullopt;
        }
        return m_text.substr(start, m_pos - start);
    }

    bool skip_value(int depth = 0) {
        if (depth > k_max_depth) return false;
        skip_space();
        if (m_pos >= m_text.size()) return false;
        switch (m_text[m_pos]) {
            case '{':
                return object([&](const std::string&) { return skip_value(depth + 1); });
            case '[': {
                ++m_pos;
                if (consume(']')) return true;
                do {
                    if (!skip_value(depth + 1)) return false;
                } while (consume(','));
                return consume(']');
            }
            case '"':
                return string().has_value();
            case 't':
                return literal("true");
            case 'f':
                return literal("false");
            case 'n':
                return literal("null");
            default:
                return number().has_value();
        }
    }

private:
    static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

    bool accept(char c) {
        if (m_pos < m_text.size() && m_text[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }

    bool digits() {
        const std::size_t start = m_pos;
        while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9') ++m_pos;
        return m_pos > start;
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

    bool escape(std::string& out) {
        if (m_pos >= m_text.size()) return false;
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
                return unicode_escape(out);
            default:
                return false;
        }
    }

    // \uXXXX, with a surrogate pair for code points above the BMP; a lone surrogate is not a
    // character and so is corrupt.
    bool unicode_escape(std::string& out) {
        auto unit = hex4();
        if (!unit || (*unit >= 0xdc00 && *unit <= 0xdfff)) return false;
        std::uint32_t code = *unit;
        if (code >= 0xd800 && code <= 0xdbff) {
            if (!accept('\\') || !accept('u')) return false;
            auto low = hex4();
            if (!low || *low < 0xdc00 || *low > 0xdfff) return false;
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
};

// An integer field: the token must have no fraction or exponent and must fit the type, so a
// huge or negative count is corrupt rather than silently wrapped.
template <typename Int>
bool read_integer(Parser& p, Int& out) {
    auto token = p.number();
    if (!token || token->find_first_of(".eE") != std::string_view::npos) return false;
    const auto [end, ec] = std::from_chars(token->data(), token->data() + token->size(), out);
    return ec == std::errc() && end == token->data() + token->size();
}

bool read_double(Parser& p, double& out) {
    auto token = p.number();
    if (!token) return false;
    const auto [end, ec] = std::from_chars(token->data(), token->data() + token->size(), out);
    return ec == std::errc() && end == token->data() + token->size();
}

bool read_bool(Parser& p, bool& out) {
    if (p.literal("true")) return out = true, true;
    if (p.literal("false")) return out = false, true;
    return false;
}

template <typename T, typename Read>
bool read_nullable(Parser& p, std::optional<T>& out, Read read) {
    if (p.literal("null")) return out.reset(), true;
    T value{};
    if (!read(p, value)) return false;
    out = value;
    return true;
}

// A count: an integer of at most k_max_count, so that adding to it cannot wrap.
bool read_count(Parser& p, std::uint64_t& out) {
    return read_integer(p, out) && out <= k_max_count;
}

bool read_restarts(Parser& p, std::map<std::string, std::uint64_t>& out) {
    return p.object([&](const std::string& reason) {
        std::uint64_t count = 0;
        return read_count(p, count) && out.emplace(reason, count).second;
    });
}

bool read_member(Parser& p, const std::string& key, PersistedState& s) {
    if (key == "boot_count") return read_count(p, s.boot_count);
    if (key == "started_at") return read_integer(p, s.started_at);
    if (key == "updated_at") return read_integer(p, s.updated_at);
    if (key == "restarts") return read_restarts(p, s.restarts);
    if (key == "last_restart_at") return read_integer(p, s.last_restart_at);
    if (key == "last_exit") return read_nullable(p, s.last_exit, read_integer<int>);
    if (key == "last_stop_reason") {
        auto text = p.string();
        if (text) s.last_stop_reason = std::move(*text);
        return text.has_value();
    }
    if (key == "last_stop_seconds") return read_nullable(p, s.last_stop_seconds, read_double);
    if (key == "last_stop_killed") return read_bool(p, s.last_stop_killed);
    return p.skip_value();
}

}  // namespace

std::string encode_state(const PersistedState& s) {
    const std::vector<std::pair<std::string_view, std::string>> fields{
        {"boot_count", std::to_string(std::min(s.boot_count, k_max_count))},
        {"started_at", std::to_string(s.started_at)},
        {"updated_at", std::to_string(s.updated_at)},
        {"restarts", format_restarts(s.restarts)},
        {"last_restart_at", std::to_string(s.last_restart_at)},
        {"last_exit", s.last_exit ? std::to_string(*s.last_exit) : "null"},
        {"last_stop_reason", quoted(s.last_stop_reason)},
        {"last_stop_seconds", s.last_stop_seconds ? format_double(*s.last_stop_seconds) : "null"},
        {"last_stop_killed", s.last_stop_killed ? "true" : "false"},
    };
    std::string out = "{";
    const char* sep = "\n";
    for (const auto& [key, value] : fields) {
        out += sep;
        out += "  " + quoted(key) + ": " + value;
        sep = ",\n";
    }
    return out + "\n}\n";
}

std::optional<PersistedState> decode_state(std::string_view text) {
    Parser p(text);
    PersistedState state;
    std::set<std::string> seen;
    const bool ok = p.object([&](const std::string& key) {
        return seen.insert(key).second && read_member(p, key, state);
    });
    p.skip_space();
    if (!ok || !p.at_end()) return std::nullopt;
    return state;
}

}  // namespace clawinit
