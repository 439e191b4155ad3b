#include "config/yaml_file.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <utility>

#include "config/layer.hpp"
#include "config/options.hpp"
#include "config/value_error.hpp"
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

// Notes where each document starts and where its root node is; nothing else.
class DocumentStarts : public YAML::EventHandler {
public:
    std::vector<YAML::Mark> starts;
    std::vector<YAML::Mark> roots;
    void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
    void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  const std::string&) override {
        node(mark);
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {
        node(mark);
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {
        node(mark);
    }
    void OnMapEnd() override {}

private:
    void node(const YAML::Mark& mark) {
        if (roots.size() < starts.size()) roots.push_back(mark);
    }
};

// Fails unless the text holds at most one document. Never YAML::LoadAll(): yaml-cpp 0.7
// (Debian bookworm) loops forever on some malformed input such as ", 2: J", adding an empty
// document per turn until memory runs out (jbeder/yaml-cpp#1040, fixed upstream by #1319).
// Two documents are all we need to see.
template <typename Reader>
void check_single_document(const std::string& text, const Reader& reader) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentStarts handler;
    for (int i = 0; i < 2 && parser.HandleNextDocument(handler); ++i) {
    }
    if (handler.starts.size() < 2) return;
    if (handler.starts[1].pos == handler.starts[0].pos) {
        // The parser made no progress: that is the endless loop, on a token it cannot place.
        reader.fail(handler.starts[1], "invalid YAML: unexpected character");
    }
    reader.fail(handler.roots.size() > 1 ? handler.roots[1] : handler.starts[1],
                "a config file holds one YAML document, not several");
}

// Walks one parsed document; every error names the file and a 1-based position.
class FileReader {
public:
    FileReader(const std::string& path, Config& config)
        : m_path(path), m_config(config), m_layer(config) {}

    void read_root(const YAML::Node& root) {
        if (root.IsNull()) {
            return;
        }
        if (!root.IsMap()) {
            fail(root.Mark(), "the file must be a mapping of option names to values (see --help)");
        }
        std::map<std::string, int> first_lines;
        for (const auto& entry : root) {
            const YAML::Node& key = entry.first;
            if (!key.IsScalar()) {
                fail(key.Mark(), "keys must be option names (see --help)");
            }
            const std::string& name = key.Scalar();
            const auto [first, inserted] = first_lines.emplace(name, key.Mark().line + 1);
            if (!inserted) {
                fail_key(key.Mark(), name,
                         "given twice (first on line " + std::to_string(first->second) + ")");
            }
            read_entry(key, entry.second);
        }
    }

    [[noreturn]] void fail(const YAML::Mark& mark, const std::string& message) const {
        throw ConfigError(location(mark) + ": " + message);
    }

private:
    std::string location(const YAML::Mark& mark) const {
        return m_path + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
    }

    [[noreturn]] void fail_key(const YAML::Mark& mark, const std::string& key,
                               const std::string& message) const {
        fail(mark, "key '" + key + "': " + message);
    }

    void read_entry(const YAML::Node& key, const YAML::Node& value) {
        const std::string& name = key.Scalar();
        // A missing value ("grace:") has no position of its own; point at its key.
        const YAML::Mark at = value.Mark().is_null() || value.IsNull() ? key.Mark() : value.Mark();
        if (name == k_command_key) {
            read_command(name, at, value);
        } else {
            read_option(option_for(key), name, at, value);
        }
    }

    const OptionSpec& option_for(const YAML::Node& key) const {
        const std::string& name = key.Scalar();
        const OptionSpec* option = find_option(name);
        if (option == nullptr) {
            fail_key(key.Mark(), name, "unknown key" + suggestion(name));
        }
        if (option->name == k_config_option) {
            fail_key(key.Mark(), name,
                     "a config file cannot name another (use -c or CLAWINIT_CONFIG)");
        }
        return *option;
    }

    void read_option(const OptionSpec& option, const std::string& name, const YAML::Mark& at,
                     const YAML::Node& value) {
        if (value.IsNull()) {
            fail_key(at, name, "has no value");
        }
        if (value.IsMap()) {
            fail_key(at, name, "expects a value, not a mapping");
        }
        if (value.IsScalar()) {
            assign(option, name, value);
            return;
        }
        if (option.repeat == Repeat::once) {
            fail_key(at, name, "takes one value, not a list");
        }
        m_layer.assign_empty(option);
        for (const YAML::Node& item : value) {
            if (!item.IsScalar()) {
                fail_key(item.Mark().is_null() ? at : item.Mark(), name,
                         "list items must be single values");
            }
            assign(option, name, item);
        }
    }

    void assign(const OptionSpec& option, const std::string& name, const YAML::Node& scalar) {
        try {
            m_layer.assign(option, scalar.Scalar());
        } catch (const UnresolvedName& error) {
            m_layer.defer(location(scalar.Mark()) + ": key '" + name + "': " + error.what());
        } catch (const ValueError& error) {
            fail_key(scalar.Mark(), name, error.what());
        }
    }

    void read_command(const std::string& name, const YAML::Mark& at, const YAML::Node& value) {
        std::vector<std::string> command;
        if (value.IsScalar()) {
            // "node app.js" as one string would be exec'd as a program of that name (127):
            // clawinit runs no shell, so the words must be given as a list.
            fail_key(at, name, "expects a list, not a string: " + list_hint(value.Scalar()));
        }
        if (value.IsSequence()) {
            for (const YAML::Node& item : value) {
                if (!item.IsScalar()) {
                    fail_key(item.Mark().is_null() ? at : item.Mark(), name,
                             "list items must be strings");
                }
                command.push_back(item.Scalar());
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
        std::istringstream words(text);
        for (std::string word; words >> word;) {
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
    YAML::Node root;
    try {
        check_single_document(text, reader);
        root = YAML::Load(text);
    } catch (const YAML::DeepRecursion& error) {
        reader.fail(error.mark, "nested too deeply to be a config file");
    } catch (const YAML::ParserException& error) {
        reader.fail(error.mark, "invalid YAML: " + error.msg);
    } catch (const YAML::Exception& error) {
        throw ConfigError(path + ": invalid YAML: " + error.msg);
    }
    reader.read_root(root);
}

}  // namespace clawinit
