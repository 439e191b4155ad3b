#include "config/load.hpp"

#include <optional>
#include <string_view>

#include "config/duration.hpp"
#include "config/layer.hpp"
#include "config/options.hpp"
#include "config/value_error.hpp"
#include "config/yaml_file.hpp"

namespace clawinit {
namespace {

constexpr std::string_view k_no_command =
    "no command given: clawinit [OPTIONS] [--] COMMAND [ARG...]";

struct FlagValue {
    const OptionSpec* option;
    std::string flag;  // as the user spelled it: "--grace", "-c"
    std::string value;
};

struct ParsedArgs {
    InvocationKind kind{InvocationKind::run};
    std::vector<FlagValue> values;
    std::vector<std::string> command;
};

std::optional<InvocationKind> action_flag(std::string_view flag) {
    if (flag == "--help" || flag == "-h") {
        return InvocationKind::help;
    }
    if (flag == "--version" || flag == "-V") {
        return InvocationKind::version;
    }
    return std::nullopt;
}

const OptionSpec* lookup_flag(std::string_view flag) {
    if (flag.starts_with("--")) {
        return find_option(flag.substr(2));
    }
    return flag.size() == 2 ? find_short_option(flag[1]) : nullptr;
}

// Options end at "--" or at the first argument that is not one: from there on, everything
// belongs to the child, even arguments that look like options.
ParsedArgs parse_args(const std::vector<std::string>& args) {
    ParsedArgs parsed;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--" || arg.size() < 2 || arg.front() != '-') {
            const std::size_t start = arg == "--" ? i + 1 : i;
            parsed.command.assign(args.begin() + static_cast<std::ptrdiff_t>(start), args.end());
            break;
        }
        std::string flag = arg;
        std::optional<std::string> value;
        const std::size_t value_at = arg.starts_with("--") ? arg.find('=') : 2;
        if (value_at < arg.size()) {
            flag = arg.substr(0, value_at);
            value = arg.substr(value_at + (arg.starts_with("--") ? 1 : 0));
        }
        if (const auto kind = action_flag(flag)) {
            if (value) {
                throw ConfigError("option '" + flag + "' takes no value");
            }
            parsed.kind = *kind;
            return parsed;
        }
        const OptionSpec* option = lookup_flag(flag);
        if (option == nullptr) {
            const OptionSpec* meant =
                flag.starts_with("--") ? closest_option(std::string_view(flag).substr(2)) : nullptr;
            throw ConfigError("unknown option '" + flag + "'" +
                              (meant ? "; did you mean '--" + std::string(meant->name) + "'?"
                                     : std::string(" (see --help)")));
        }
        if (!value) {
            if (i + 1 == args.size()) {
                throw ConfigError("option '" + flag + "' needs a value: " + flag + " " +
                                  std::string(option->placeholder));
            }
            value = args[++i];
        }
        parsed.values.push_back(FlagValue{option, flag, *value});
    }
    return parsed;
}

std::string config_path(const ParsedArgs& parsed, const Environment& env) {
    for (auto it = parsed.values.rbegin(); it != parsed.values.rend(); ++it) {
        if (it->option->name == k_config_option) {
            return it->value;
        }
    }
    const auto it = env.find(env_var_name(*find_option(k_config_option)));
    return it == env.end() ? std::string{} : it->second;
}

// A repeatable option's env value is a comma-separated list; blanks around items are
// dropped, and so are empty items, so "" is the empty list.
std::vector<std::string_view> split_list(std::string_view text) {
    std::vector<std::string_view> items;
    while (!text.empty()) {
        const auto comma = text.find(',');
        std::string_view item = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        const auto first = item.find_first_not_of(" \t");
        if (first != std::string_view::npos) {
            item = item.substr(first, item.find_last_not_of(" \t") - first + 1);
            items.push_back(item);
        }
    }
    return items;
}

void apply_environment(const Environment& env, Config& config) {
    SourceLayer layer(config);
    for (const OptionSpec& option : option_table()) {
        const std::string name = env_var_name(option);
        const auto it = env.find(name);
        if (it == env.end() || option.name == k_config_option) {
            continue;
        }
        try {
            if (option.repeat == Repeat::once) {
                layer.assign(option, it->second);
                continue;
            }
            layer.assign_empty(option);
            for (const std::string_view item : split_list(it->second)) {
                layer.assign(option, item);
            }
        } catch (const UnresolvedName& error) {
            layer.defer("env " + name + ": " + error.what());
        } catch (const ValueError& error) {
            throw ConfigError("env " + name + ": " + error.what());
        }
    }
}

void apply_flags(const std::vector<FlagValue>& values, Config& config) {
    SourceLayer layer(config);
    for (const FlagValue& flag : values) {
        try {
            layer.assign(*flag.option, flag.value);
        } catch (const UnresolvedName& error) {
            layer.defer("option '" + flag.flag + "': " + error.what());
        } catch (const ValueError& error) {
            throw ConfigError("option '" + flag.flag + "': " + error.what());
        }
    }
}

// Only combinations that cannot mean anything are refused; each value was checked on its own.
void validate(const Config& config) {
    if (!config.user_error.empty()) throw ConfigError(config.user_error);
    if (config.backoff > config.backoff_max) {
        throw ConfigError("backoff (" + format_duration(config.backoff) +
                          ") is longer than backoff-max (" + format_duration(config.backoff_max) +
                          ")");
    }
    if (config.check_timeout > config.check_interval) {
        throw ConfigError("check-timeout (" + format_duration(config.check_timeout) +
                          ") is longer than check-interval (" +
                          format_duration(config.check_interval) +
                          "): a check must end before the next one is due");
    }
}

Config load_sources(const std::string& path, const Environment& env,
                    const std::vector<FlagValue>& flags) {
    Config config;
    if (!path.empty()) {
        apply_config_file(path, config);
    }
    config.config_file = path;
    apply_environment(env, config);
    apply_flags(flags, config);
    validate(config);
    return config;
}

}  // namespace

Invocation parse_invocation(const std::vector<std::string>& args, const Environment& env) {
    const ParsedArgs parsed = parse_args(args);
    if (parsed.kind != InvocationKind::run) {
        return Invocation{parsed.kind, Config{}};
    }
    Config config = load_sources(config_path(parsed, env), env, parsed.values);
    if (!parsed.command.empty()) {
        config.command = parsed.command;
    }
    if (config.command.empty()) {
        throw ConfigError(std::string(k_no_command));
    }
    return Invocation{InvocationKind::run, std::move(config)};
}

Config load_file_only(const std::string& path, const Environment& env) {
    return load_sources(path, env, {});
}

}  // namespace clawinit
