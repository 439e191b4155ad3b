// `clawinit SUBCOMMAND --help`: each subcommand's usage, options and exit codes, in one table so
// the main --help, the README's Usage and this text can be compared line by line.
#pragma once

#include <optional>
#include <string_view>

namespace clawinit {

// The help text of `name` (stop, restart, status, probe, check-config), nullopt for another word.
std::optional<std::string_view> subcommand_help(std::string_view name);

}  // namespace clawinit
