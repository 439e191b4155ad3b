#include "json/writer.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "json/escape.hpp"

namespace clawinit {

JsonWriter& JsonWriter::begin_object() {
    return open('{', true);
}
JsonWriter& JsonWriter::end_object() {
    return close('}', true);
}
JsonWriter& JsonWriter::begin_array() {
    return open('[', false);
}
JsonWriter& JsonWriter::end_array() {
    return close(']', false);
}

JsonWriter& JsonWriter::key(std::string_view name) {
    if (m_stack.empty() || !m_stack.back().object || m_stack.back().key_pending)
        throw std::logic_error("JsonWriter: a key outside an object, or two keys in a row");
    Frame& frame = m_stack.back();
    if (frame.has_members) m_out += ',';
    if (m_layout == JsonLayout::pretty) newline_indent(m_stack.size());
    frame.has_members = true;
    frame.key_pending = true;
    m_out += json_quoted(name);
    m_out += m_layout == JsonLayout::pretty ? ": " : ":";
    return *this;
}

JsonWriter& JsonWriter::string(std::string_view text) {
    before_value();
    m_out += json_quoted(text);
    return *this;
}

JsonWriter& JsonWriter::boolean(bool value) {
    return raw(value ? "true" : "false");
}
JsonWriter& JsonWriter::null() {
    return raw("null");
}

JsonWriter& JsonWriter::number(double value) {
    if (!std::isfinite(value)) return null();
    // fmt's shortest round trip (the Dragonbox already linked for the log), not std::to_chars:
    // libstdc++'s Ryu tables cost the static binary 128 kB.
    char buf[32];
    const auto out = fmt::format_to_n(buf, sizeof buf, "{}", value);
    return out.size <= sizeof buf ? raw(std::string_view(buf, out.size)) : null();
}

JsonWriter& JsonWriter::fixed(double value, int decimals) {
    if (!std::isfinite(value)) return null();
    return raw(fmt::format("{:.{}f}", value, decimals));
}

const std::string& JsonWriter::text() const {
    if (!m_done) throw std::logic_error("JsonWriter: the document is not complete");
    return m_out;
}

JsonWriter& JsonWriter::raw(std::string_view token) {
    before_value();
    m_out += token;
    return *this;
}

// Where a value may go: at the top once, after a key in an object, anywhere in an array.
void JsonWriter::before_value() {
    if (m_stack.empty()) {
        if (m_done) throw std::logic_error("JsonWriter: a second top-level value");
        m_done = true;  // a scalar document; a container sets it again when it closes
        return;
    }
    Frame& frame = m_stack.back();
    if (frame.object) {
        if (!frame.key_pending) throw std::logic_error("JsonWriter: a value without a key");
        frame.key_pending = false;
        return;
    }
    if (frame.has_members) m_out += ',';
    if (m_layout == JsonLayout::pretty) newline_indent(m_stack.size());
    frame.has_members = true;
}

JsonWriter& JsonWriter::open(char bracket, bool object) {
    before_value();
    m_done = false;
    m_out += bracket;
    m_stack.push_back(Frame{object});
    return *this;
}

JsonWriter& JsonWriter::close(char bracket, bool object) {
    if (m_stack.empty() || m_stack.back().object != object || m_stack.back().key_pending)
        throw std::logic_error("JsonWriter: an end that matches no open container");
    const bool had_members = m_stack.back().has_members;
    m_stack.pop_back();
    if (had_members && m_layout == JsonLayout::pretty) newline_indent(m_stack.size());
    m_out += bracket;
    m_done = m_stack.empty();
    return *this;
}

void JsonWriter::newline_indent(std::size_t depth) {
    m_out += '\n';
    m_out.append(2 * depth, ' ');
}

}  // namespace clawinit
