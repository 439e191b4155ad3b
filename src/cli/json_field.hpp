// Reads one field out of the JSON that clawinit's own probe server writes (/status, the stop
// outcome). Not a general JSON parser: those bodies are flat but for one nested "child"
// object, and keys are unique across both levels.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace clawinit {

// The raw value of "key": a string without its quotes (no escapes expected), a number, true,
// false or null. nullopt when the key is absent.
std::optional<std::string> json_field(std::string_view json, std::string_view key);

// The number in "key", or nullopt when absent, null or not a number.
std::optional<long long> json_number(std::string_view json, std::string_view key);

}  // namespace clawinit
