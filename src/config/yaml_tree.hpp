// A YAML config file's text as a small tree of nodes, read with libyaml's event parser: what
// the config loader walks (config/yaml_file.cpp). Only what a config file needs: one document,
// scalars kept as their text, aliases resolved, bounded depth and size.
#pragma once

#include <deque>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace clawinit {

// 0-based, as libyaml counts; messages print them 1-based.
struct YamlMark {
    std::size_t line = 0;
    std::size_t column = 0;
};

struct YamlNode {
    enum class Kind { null, scalar, sequence, mapping };
    Kind kind = Kind::null;
    YamlMark mark;
    std::string text;                    // a scalar's value
    std::vector<const YamlNode*> items;  // a sequence's items; a mapping's key, value, key, ...
};

// The document's nodes; root() is null for a file with no document (empty, comments only).
class YamlDocument {
public:
    YamlDocument() = default;
    // Moved, never copied: a copy's nodes would point into the original's (a moved deque keeps
    // its elements where they are).
    YamlDocument(YamlDocument&&) = default;
    YamlDocument& operator=(YamlDocument&&) = default;
    YamlDocument(const YamlDocument&) = delete;
    YamlDocument& operator=(const YamlDocument&) = delete;

    const YamlNode* root() const { return m_root; }

private:
    friend YamlDocument parse_yaml(std::string_view text);
    std::deque<YamlNode> m_nodes;  // a deque: nodes point at each other and never move
    const YamlNode* m_root = nullptr;
};

// Where the text is not YAML, or not one config-sized document: the message has no position,
// the mark says where.
class YamlError : public std::runtime_error {
public:
    YamlError(YamlMark at, const std::string& message) : std::runtime_error(message), mark(at) {}
    YamlMark mark;
};

// Nesting deeper than this is no config file (and a deep stack of the parser's own).
inline constexpr int k_max_yaml_depth = 64;
// A config file has a few dozen values; this many is the wrong file (and bounds the tree).
inline constexpr std::size_t k_max_yaml_nodes = 100'000;

// Whether a plain scalar with this text is null, as YAML 1.1 (and yaml-cpp before libyaml) reads
// it: `~`, `null`, `Null`, `NULL` or nothing. A quoted one is always text.
bool is_null_word(std::string_view plain);

// Throws YamlError: "invalid YAML: <libyaml's problem>", "nested too deeply to be a config
// file", "a config file holds one YAML document, not several", "too many values to be a config
// file", "invalid YAML: undefined alias 'NAME'".
YamlDocument parse_yaml(std::string_view text);

}  // namespace clawinit
