#include "config/yaml_tree.hpp"

#include <yaml.h>

#include <algorithm>
#include <array>
#include <map>
#include <new>

namespace clawinit {
namespace {

// YAML 1.1's null, as yaml-cpp and PyYAML read a plain scalar: `grace:`, `grace: ~`.
bool is_null(const yaml_event_t& event, std::string_view text) {
    const auto* tag = reinterpret_cast<const char*>(event.data.scalar.tag);
    if (tag != nullptr) return std::string_view(tag) == YAML_NULL_TAG;
    return event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && is_null_word(text);
}

std::string text_of(const yaml_char_t* text) {
    return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text));
}

YamlMark mark_of(const yaml_mark_t& mark) {
    return {mark.line, mark.column};
}

// One event, freed with its strings when it goes.
class Event {
public:
    Event() = default;
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;
    ~Event() { ::yaml_event_delete(&event); }
    yaml_event_t event{};
};

// libyaml's parser over the text: events in order, each problem as a YamlError.
class EventReader {
public:
    explicit EventReader(std::string_view text) : m_text(text) {
        if (::yaml_parser_initialize(&m_parser) == 0) throw std::bad_alloc();
        ::yaml_parser_set_input_string(
            &m_parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    }
    EventReader(const EventReader&) = delete;
    EventReader& operator=(const EventReader&) = delete;
    ~EventReader() { ::yaml_parser_delete(&m_parser); }

    void next(Event& out) {
        ::yaml_event_delete(&out.event);
        if (::yaml_parser_parse(&m_parser, &out.event) == 0) fail();
    }

private:
    [[noreturn]] void fail() const {
        if (m_parser.error == YAML_MEMORY_ERROR) throw std::bad_alloc();
        const std::string problem = m_parser.problem != nullptr ? m_parser.problem : "unreadable";
        if (m_parser.error == YAML_READER_ERROR) {
            // Bad UTF-8 and control characters: libyaml gives a byte offset, not a mark.
            throw YamlError(mark_at(m_parser.problem_offset), "invalid YAML: " + problem);
        }
        std::string message = "invalid YAML: " + problem;
        if (m_parser.context != nullptr) {
            const yaml_mark_t& at = m_parser.context_mark;
            message += " (" + std::string(m_parser.context) + " at line " +
                       std::to_string(at.line + 1) + ", column " + std::to_string(at.column + 1) +
                       ")";
        }
        throw YamlError(mark_of(m_parser.problem_mark), message);
    }

    YamlMark mark_at(std::size_t offset) const {
        const std::string_view before = m_text.substr(0, std::min(offset, m_text.size()));
        const std::size_t last_newline = before.rfind('\n');
        const auto line = static_cast<std::size_t>(std::ranges::count(before, '\n'));
        return {line, last_newline == std::string_view::npos ? offset : offset - last_newline - 1};
    }

    std::string_view m_text;
    yaml_parser_t m_parser{};
};

// Turns events into nodes: containers being filled stay open on a stack.
class TreeBuilder {
public:
    explicit TreeBuilder(std::deque<YamlNode>& nodes) : m_nodes(nodes) {}

    // The document's first node: its root.
    const YamlNode* root() const { return m_root; }

    void scalar(const yaml_event_t& event) {
        std::string text(reinterpret_cast<const char*>(event.data.scalar.value),
                         event.data.scalar.length);
        YamlNode& node =
            add(event, is_null(event, text) ? YamlNode::Kind::null : YamlNode::Kind::scalar);
        node.text = std::move(text);
        name(event.data.scalar.anchor, node);
    }

    void alias(const yaml_event_t& event) {
        const std::string anchor = text_of(event.data.alias.anchor);
        const auto found = m_anchors.find(anchor);
        if (found == m_anchors.end()) {
            throw YamlError(mark_of(event.start_mark),
                            "invalid YAML: undefined alias '" + anchor + "'");
        }
        place(found->second);
    }

    void open(const yaml_event_t& event, YamlNode::Kind kind, const yaml_char_t* anchor) {
        if (m_open.size() >= k_max_yaml_depth) {
            throw YamlError(mark_of(event.start_mark), "nested too deeply to be a config file");
        }
        m_open.push_back({&add(event, kind), text_of(anchor)});
    }

    void close() {
        // The anchor names the node once it is whole: an alias inside it would be a cycle.
        const Open done = std::move(m_open.back());
        m_open.pop_back();
        if (!done.anchor.empty()) m_anchors[done.anchor] = done.node;
    }

private:
    struct Open {
        YamlNode* node;
        std::string anchor;
    };

    YamlNode& add(const yaml_event_t& event, YamlNode::Kind kind) {
        if (m_nodes.size() >= k_max_yaml_nodes) {
            throw YamlError(mark_of(event.start_mark), "too many values to be a config file");
        }
        YamlNode& node = m_nodes.emplace_back();
        node.kind = kind;
        node.mark = mark_of(event.start_mark);
        place(&node);
        return node;
    }

    void place(const YamlNode* node) {
        if (m_open.empty()) {
            m_root = node;
        } else {
            m_open.back().node->items.push_back(node);
        }
    }

    void name(const yaml_char_t* anchor, const YamlNode& node) {
        if (anchor != nullptr) m_anchors[text_of(anchor)] = &node;
    }

    std::deque<YamlNode>& m_nodes;
    std::vector<Open> m_open;
    std::map<std::string, const YamlNode*, std::less<>> m_anchors;
    const YamlNode* m_root = nullptr;
};

}  // namespace

bool is_null_word(std::string_view plain) {
    constexpr std::array<std::string_view, 5> k_null_words = {"", "~", "null", "Null", "NULL"};
    return std::ranges::find(k_null_words, plain) != k_null_words.end();
}

YamlDocument parse_yaml(std::string_view text) {
    YamlDocument document;
    TreeBuilder tree(document.m_nodes);
    EventReader reader(text);
    Event event;
    int documents = 0;
    for (;;) {
        reader.next(event);
        const yaml_event_t& e = event.event;
        switch (e.type) {
            case YAML_DOCUMENT_START_EVENT:
                if (++documents > 1) {
                    // Where the second document's content starts (or its own parse error).
                    reader.next(event);
                    throw YamlError(mark_of(event.event.start_mark),
                                    "a config file holds one YAML document, not several");
                }
                break;
            case YAML_SCALAR_EVENT:
                tree.scalar(e);
                break;
            case YAML_ALIAS_EVENT:
                tree.alias(e);
                break;
            case YAML_SEQUENCE_START_EVENT:
                tree.open(e, YamlNode::Kind::sequence, e.data.sequence_start.anchor);
                break;
            case YAML_MAPPING_START_EVENT:
                tree.open(e, YamlNode::Kind::mapping, e.data.mapping_start.anchor);
                break;
            case YAML_SEQUENCE_END_EVENT:
            case YAML_MAPPING_END_EVENT:
                tree.close();
                break;
            case YAML_STREAM_END_EVENT:
                document.m_root = tree.root();
                return document;
            default:  // stream start, document end, no event
                break;
        }
    }
}

}  // namespace clawinit
