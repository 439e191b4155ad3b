// The YAML config file as one configuration source: a mapping whose keys are the long option
// names (plus `command`), read onto a Config through a SourceLayer.
#pragma once

#include <string>

#include "config/config.hpp"

namespace clawinit {

// Applies the file's options onto `config` and sets config.command from its `command` key.
// An empty file changes nothing. Throws ConfigError, always naming the file:
//   "FILE: cannot read: <strerror>", "FILE:LINE:COL: <syntax problem>",
//   "FILE:LINE:COL: key 'KEY': <problem with the key or its value>".
// Except a `user:` this machine cannot resolve: that message goes to config.user_error, since
// a later source may replace the value (config/value_error.hpp, UnresolvedName).
void apply_config_file(const std::string& path, Config& config);

// Config files are a few dozen lines; anything this large is the wrong file, and refusing it
// bounds the parser's memory and work.
inline constexpr std::size_t k_max_config_file_size = 1024 * 1024;

}  // namespace clawinit
