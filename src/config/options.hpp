// The one table of clawinit's options. Flags, CLAWINIT_* environment variables and YAML keys
// are all derived from it, so an option cannot exist in one place and be missing in another:
//   flag `--restart-signal`, YAML key `restart-signal`, env `CLAWINIT_RESTART_SIGNAL`.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace clawinit {

enum class Repeat { once, many };

struct OptionSpec {
    std::string_view name{};  // long flag without "--", and the YAML key
    char short_flag{'\0'};    // '\0': none
    Repeat repeat{Repeat::once};
    std::string_view placeholder{};  // the value's name in --help: "D", "SIG", "FILE"
    std::string_view help{};
    // --help's "default" when the value in Config{} does not say it well; empty: derived.
    std::string_view default_note{};
    // Parses one value into the config; throws ValueError. Repeat::many options append.
    void (*set)(Config&, std::string_view value){nullptr};
    // Repeat::many only: empties the list, before a source replaces it. nullptr: a source adds
    // to the list instead, and `set` merges (env: by variable name).
    void (*clear)(Config&){nullptr};
    // The current value as option values (one per repetition); {}: unset.
    std::vector<std::string> (*get)(const Config&){nullptr};
};

std::span<const OptionSpec> option_table();

// By long name ("grace") or short flag ('c'); nullptr if there is none.
const OptionSpec* find_option(std::string_view name);
// The option a misspelt name most likely meant (at most 2 edits away, or a key written with
// '_' for '-'), nullptr when none is close: for "did you mean" in errors.
const OptionSpec* closest_option(std::string_view name);
const OptionSpec* find_short_option(char flag);

// "CLAWINIT_" + the name upper-cased, '-' -> '_': CLAWINIT_RESTART_SIGNAL.
std::string env_var_name(const OptionSpec& option);

// The option naming the config file; it has a flag and an env variable but no YAML key.
inline constexpr std::string_view k_config_option = "config";

}  // namespace clawinit
