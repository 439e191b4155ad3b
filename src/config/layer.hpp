// One source of configuration (the file, the environment, or the flags) applied onto a Config.
// Sources are applied from lowest to highest precedence, so a later one overrides a scalar by
// plain assignment. A repeatable option is different: the first value a source gives replaces
// the whole list from lower sources, and further values from the same source accumulate. An
// option without a `clear` (env) is never emptied: each value merges into the list as it is.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "config/config.hpp"
#include "config/options.hpp"

namespace clawinit {

class SourceLayer {
public:
    explicit SourceLayer(Config& config) : m_config(config) {}

    // Throws ValueError for a bad value.
    void assign(const OptionSpec& option, std::string_view value);

    // The source sets a repeatable option to the empty list (YAML `[]`, an empty env value).
    void assign_empty(const OptionSpec& option);

    // An UnresolvedName from assign(), as the source would report it ("FILE:L:C: key 'user':
    // unknown user ..."): the load fails with it unless a later source sets the option again.
    void defer(std::string message) { m_config.user_error = std::move(message); }

private:
    void replace_once(const OptionSpec& option);

    Config& m_config;
    std::set<const OptionSpec*> m_replaced;
};

}  // namespace clawinit
