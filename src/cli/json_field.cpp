#include "cli/json_field.hpp"

#include <charconv>

namespace clawinit {

std::optional<std::string> json_field(std::string_view json, std::string_view key) {
    std::string needle;
    needle.reserve(key.size() + 3);
    needle.append(1, '"').append(key).append("\":");
    const auto at = json.find(needle);
    if (at == std::string_view::npos) return std::nullopt;
    std::string_view rest = json.substr(at + needle.size());
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (!rest.empty() && rest.front() == '"') {
        const auto close = rest.find('"', 1);
        if (close == std::string_view::npos) return std::nullopt;
        return std::string(rest.substr(1, close - 1));
    }
    const auto end = rest.find_first_of(",}\n");
    return std::string(rest.substr(0, end));
}

std::optional<long long> json_number(std::string_view json, std::string_view key) {
    auto raw = json_field(json, key);
    if (!raw) return std::nullopt;
    long long value = 0;
    auto [ptr, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), value);
    if (ec != std::errc() || ptr == raw->data()) return std::nullopt;
    return value;
}

}  // namespace clawinit
