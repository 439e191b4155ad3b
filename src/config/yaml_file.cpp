#include "config/yaml_file.hpp"

#include <map>
#include <utility>

#include "config/layer.hpp"
#include "config/options.hpp"
#include "config/value_error.hpp"
#include "config/values.hpp"
#include "config/yaml_tree.hpp"
#include "sys/regular_file.hpp"

namespace clawinit {
namespace {

constexpr std::string_view k_command_key = "command";

std::string read_config_text(const std::string& path) {
    FileText file = read_regular_file(path, k_max_config_file_size);
    if (file.too_large) {
        throw ConfigError(path + ": cannot read: larger than 1 MiB, not a config file");
    }
    if (!file.error.empty()) throw ConfigError(path + ": cannot read: " + file.error);
    return std::move(file.text);
}

// Walks one parsed document; every error names the file and a 1-based position.
class FileReader {
public:
    FileReader(const std::string& path, Config& config)
        : m_path(path), m_config(config), m_layer(config) {}

    void read_root(const YamlNode* root) {
        if (root == nullptr || root->kind == YamlNode::Kind::null) {
            return;
        }
        if (root->kind != YamlNode::Kind::mapping) {
            fail(root->mark, "the file must be a mapping of option names to values (see --help)");
        }
        std::map<std::string, std::size_t> first_lines;
        for (std::size_t i = 0; i + 1 < root->items.size(); i += 2) {
            const YamlNode& key = *root->items[i];
            if (key.kind != YamlNode::Kind::scalar) {
                fail(key.mark, "keys must be option names (see --help)");
            }
            const std::string& name = key.text;
            const auto [first, inserted] = first_lines.emplace(name, key.mark.line + 1);
            if (!inserted) {
                fail_key(key.mark, name,
                         "given twice (first on line " + std::to_string(first->second) + ")");
            }
            read_entry(key, *root->items[i + 1]);
        }
    }

    [[noreturn]] void fail(const YamlMark& mark, const std::string& message) const {
        throw ConfigError(location(mark) + ": " + message);
    }

private:
    std::string location(const YamlMark& mark) const {
        return m_path + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
    }

    [[noreturn]] void fail_key(const YamlMark& mark, const std::string& key,
                               const std::string& message) const {
        fail(mark, "key '" + key + "': " + message);
    }

    void read_entry(const YamlNode& key, const YamlNode& value) {
        const std::string& name = key.text;
        // A missing value ("grace:") has no position of its own; point at its key.
        const YamlMark at = value.kind == YamlNode::Kind::null ? key.mark : value.mark;
        if (name == k_command_key) {
            read_command(name, at, value);
        } else {
            read_option(option_for(key), name, at, value);
        }
    }

    const OptionSpec& option_for(const YamlNode& key) const {
        const std::string& name = key.text;
        const OptionSpec* option = find_option(name);
        if (option == nullptr) {
            fail_key(key.mark, name, "unknown key" + suggestion(name));
        }
        if (option->name == k_config_option) {
            fail_key(key.mark, name,
                     "a config file cannot name another (use -c or CLAWINIT_CONFIG)");
        }
        return *option;
    }

    void read_option(const OptionSpec& option, const std::string& name, const YamlMark& at,
                     const YamlNode& value) {
        if (value.kind == YamlNode::Kind::null) {
            fail_key(at, name, "has no value");
        }
        if (value.kind == YamlNode::Kind::mapping) {
            fail_key(at, name, "expects a value, not a mapping");
        }
        if (value.kind == YamlNode::Kind::scalar) {
            assign(option, name, value);
            return;
        }
        if (option.repeat == Repeat::once) {
            fail_key(at, name, "takes one value, not a list");
        }
        m_layer.assign_empty(option);
        for (const YamlNode* item : value.items) {
            if (item->kind != YamlNode::Kind::scalar) {
                fail_key(item->mark, name, "list items must be single values");
            }
            assign(option, name, *item);
        }
    }

    void assign(const OptionSpec& option, const std::string& name, const YamlNode& scalar) {
        try {
            m_layer.assign(option, scalar.text);
        } catch (const UnresolvedName& error) {
            m_layer.defer(location(scalar.mark) + ": key '" + name + "': " + error.what());
        } catch (const ValueError& error) {
            fail_key(scalar.mark, name, error.what());
        }
    }

    void read_command(const std::string& name, const YamlMark& at, const YamlNode& value) {
        std::vector<std::string> command;
        if (value.kind == YamlNode::Kind::scalar) {
            // "node app.js" as one string would be exec'd as a program of that name (127):
            // clawinit runs no shell, so the words must be given as a list.
            fail_key(at, name, "expects a list, not a string: " + list_hint(value.text));
        }
        if (value.kind == YamlNode::Kind::sequence) {
            for (const YamlNode* item : value.items) {
                if (item->kind != YamlNode::Kind::scalar) {
                    fail_key(item->mark, name, "list items must be strings");
                }
                command.push_back(item->text);
            }
        } else {
            fail_key(at, name, "expects a list of strings (program and arguments)");
        }
        if (command.empty() || command.front().empty()) {
            fail_key(at, name, "the program name is empty");
        }
        m_config.command = std::move(command);
    }

    // `command: ["node", "app.js"]`, built from the string's words, to copy into the file.
    static std::string list_hint(const std::string& text) {
        std::string items;
        for (const std::string& word : words_of(text)) {
            items += (items.empty() ? "\"" : ", \"") + word + "\"";
        }
        return "command: [" + items + "]";
    }

    // "restart_signal" is a likely slip for "restart-signal", so say so.
    static std::string suggestion(const std::string& name) {
        const OptionSpec* option = closest_option(name);
        if (option == nullptr) return " (see --help)";
        return "; did you mean '" + std::string(option->name) + "'?";
    }

    const std::string& m_path;
    Config& m_config;
    SourceLayer m_layer;
};

}  // namespace

void apply_config_file(const std::string& path, Config& config) {
    const std::string text = read_config_text(path);
    FileReader reader(path, config);
    YamlDocument document;
    try {
        document = parse_yaml(text);
    } catch (const YamlError& error) {
        reader.fail(error.mark, error.what());
    }
    reader.read_root(document.root());
}

}  // namespace clawinit
