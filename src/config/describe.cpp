// help_text() and to_yaml() from config/load.hpp: both are generated from the option table,
// so --help, the YAML keys and check-config's output cannot drift from the parser.
#include <algorithm>

#include "config/child_env.hpp"
#include "config/load.hpp"
#include "config/options.hpp"
#include "config/values.hpp"
#include "config/warnings.hpp"
#include "config/yaml_scalar.hpp"

namespace clawinit {
namespace {

constexpr std::string_view k_usage =
    "Usage: clawinit [OPTIONS] [--] COMMAND [ARG...]  run COMMAND under supervision\n"
    "       clawinit stop    [--wait] [--timeout D] [--pid PID|--pid-file FILE] [--probe ADDR]\n"
    "                                                 ask a running clawinit to stop (SIGTERM)\n"
    "       clawinit restart [--wait] [--timeout D] [--pid PID|--pid-file FILE] [--probe ADDR]\n"
    "                                                 ask it to restart the gateway\n"
    "       clawinit status  [--json] [--timeout D] [--probe ADDR]\n"
    "                                                 print the state of a running clawinit\n"
    "       clawinit probe   live|ready|startup|healthcheck [--timeout D] [--probe ADDR]\n"
    "                                                 exit 0 if that probe passes\n"
    "       clawinit check-config [--root DIR] FILE   validate FILE, print the effective config\n"
    "       clawinit SUBCOMMAND --help                that subcommand's options and exit codes\n"
    "       clawinit --version | --help\n";

constexpr std::string_view k_sources =
    "Every option is also an environment variable CLAWINIT_<NAME> (--restart-signal:\n"
    "CLAWINIT_RESTART_SIGNAL) and a key of the YAML config file (restart-signal: SIGUSR2).\n"
    "Precedence: flag > env > file > default. A repeatable option given by a source replaces\n"
    "what lower sources gave; repeated flags accumulate, an env value is a comma-separated list,\n"
    "a YAML value may be a list. The file's `command` key (a list) is the default COMMAND.\n"
    "--env merges by name instead: a higher source's K=V replaces only K, other names are kept,\n"
    "and K alone removes K from the child's environment (an inherited K too). --user also sets\n"
    "the child's HOME, USER, LOGNAME and SHELL from /etc/passwd (HOME=/ for a uid without an\n"
    "entry), unless --env names them.\n";

constexpr std::string_view k_formats =
    "Durations: 250ms, 8s, 2m, 1h, bare seconds (5), decimals (1.5s).\n"
    "Signals: SIGUSR1, USR1, 10, SIGRTMIN+3, RTMAX-2.\n";

constexpr std::size_t k_help_column = 32;
constexpr std::size_t k_line_width = 100;

std::string join(const std::vector<std::string>& values) {
    std::string text;
    for (const std::string& value : values) {
        text += text.empty() ? value : ", " + value;
    }
    return text;
}

std::string default_text(const OptionSpec& option) {
    if (!option.default_note.empty()) {
        return std::string(option.default_note);
    }
    const std::vector<std::string> values = option.get(Config{});
    return values.empty() ? "none" : join(values);
}

// Greedy word wrap of `words` (each kept whole); continuation lines start at the help column.
void append_wrapped(std::string& out, std::string left, const std::vector<std::string>& words) {
    if (left.size() + 1 >= k_help_column) {
        out += left + "\n";
        left.clear();
    }
    std::string line = left + std::string(k_help_column - left.size(), ' ');
    bool line_has_words = false;
    for (const std::string& word : words) {
        if (line_has_words && line.size() + 1 + word.size() > k_line_width) {
            out += line + "\n";
            line = std::string(k_help_column, ' ');
            line_has_words = false;
        }
        line += (line_has_words ? " " : "") + word;
        line_has_words = true;
    }
    out += line + "\n";
}

std::string option_line_left(const OptionSpec& option) {
    std::string left = option.short_flag != '\0' ? std::string("  -") + option.short_flag + ", --"
                                                 : std::string("      --");
    return left + std::string(option.name) + " " + std::string(option.placeholder);
}

// What the child's environment gets: the user switch's variables and `env`, merged, each with
// where it came from. The merge and the user's HOME are easy to get wrong by eye.
std::string environment_comment(const Config& config) {
    const std::vector<std::string> changes = environment_changes(config);
    if (changes.empty()) {
        return "# the child's environment: clawinit's own, unchanged\n";
    }
    std::string user = "user " + config.user;
    if (config.user_ids && config.user_ids->name.empty()) {
        user += ": no passwd entry";
    }
    std::string out = "# the child's environment: clawinit's own, with these changes:\n";
    for (const std::string& entry : changes) {
        const std::string_view name = env_entry_name(entry);
        const bool from_env = std::ranges::any_of(
            config.env, [&](const std::string& e) { return env_entry_name(e) == name; });
        const std::string change = env_entry_removes(entry) ? yaml_comment_text(name) + " removed"
                                                            : yaml_comment_text(entry);
        out += "#   " + change + "  (" + (from_env ? std::string("env") : user) + ")\n";
    }
    return out;
}

}  // namespace

std::string help_text() {
    std::string out(k_usage);
    out += "\nOptions:\n";
    for (const OptionSpec& option : option_table()) {
        std::vector<std::string> words = words_of(option.help);
        words.push_back((option.repeat == Repeat::many ? "[repeatable; default: " : "[default: ") +
                        default_text(option) + "]");
        append_wrapped(out, option_line_left(option), words);
    }
    append_wrapped(out, "  -h, --help", words_of("show this help and exit"));
    append_wrapped(out, "  -V, --version", words_of("show the version and exit"));
    out += "\n";
    out += k_sources;
    out += "\n";
    out += k_formats;
    return out;
}

std::string to_yaml(const Config& config) {
    std::string out = "# clawinit configuration";
    out += config.config_file.empty() ? "\n" : " (from " + config.config_file + ")\n";
    for (const std::string& warning : config_warnings(config)) {
        out += "# warning: " + warning + "\n";
    }
    for (const OptionSpec& option : option_table()) {
        if (option.name == k_config_option) {
            continue;
        }
        const std::string key(option.name);
        const std::vector<std::string> values = option.get(config);
        if (option.repeat == Repeat::many) {
            out += key + ": " + yaml_flow_list(values) + "\n";
            if (option.name == "env") {
                out += environment_comment(config);
            }
        } else if (values.empty()) {
            out += "# " + key + ": (" + default_text(option) + ")\n";
        } else {
            out += key + ": " + yaml_scalar(values.front()) + "\n";
        }
    }
    if (!config.command.empty()) {
        out += "command: " + yaml_flow_list(config.command) + "\n";
    }
    return out;
}

}  // namespace clawinit
