// Builds the effective Config of a `clawinit [OPTIONS] [--] COMMAND [ARG...]` invocation from
// its sources, highest precedence first: flags, CLAWINIT_* environment, the YAML config file
// (-c/--config or CLAWINIT_CONFIG), defaults. Every mistake is a ConfigError naming where it
// was made. Subcommands (stop, status, ...) are dispatched before this is called.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace clawinit {

enum class InvocationKind { run, help, version };

struct Invocation {
    InvocationKind kind{InvocationKind::run};
    Config config;  // defaults only, unless kind == run
};

using Environment = std::map<std::string, std::string>;

// `args` is argv without argv[0]. Unknown CLAWINIT_* variables are ignored: Kubernetes service
// links inject CLAWINIT_PORT=tcp://... for a Service named clawinit.
Invocation parse_invocation(const std::vector<std::string>& args, const Environment& env);

// The file at `path` over defaults, under `env` (CLAWINIT_CONFIG itself is not consulted);
// no command is required. For `clawinit check-config FILE`.
Config load_file_only(const std::string& path, const Environment& env);

// The --help text, generated from the option table, with defaults.
std::string help_text();

// `config` as a YAML config file with the same keys, which loads back to the same Config.
// Unset options appear as comments, so the output lists every key.
std::string to_yaml(const Config& config);

}  // namespace clawinit
