// JSON string escaping, the one copy: the logger, state.json, the probe answers and the final
// status all quote text through here.
#pragma once

#include <string>
#include <string_view>

namespace clawinit {

// The body of a JSON string, without the quotes: `"` and `\` escaped, \n \r \t by name, the
// other control bytes as \u00XX. Every other byte passes through unchanged, so UTF-8 stays
// UTF-8 (and invalid UTF-8 stays as it was: this never fails and never drops a byte).
std::string json_escape(std::string_view text);

// json_escape with the quotes.
std::string json_quoted(std::string_view text);

}  // namespace clawinit
