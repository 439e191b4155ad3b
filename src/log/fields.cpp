#include "log/fields.hpp"

#include <array>
#include <type_traits>

#include "json/writer.hpp"

namespace clawinit {

namespace {

constexpr std::array<std::string_view, k_log_key_count> k_names{
    "pid",         "command",  "signal",     "sent_as",      "exit_code", "reason",
    "detail",      "restart",  "restarts",   "max_restarts", "killed",    "count",
    "duration_ms", "delay_ms", "timeout_ms", "window_ms",
};

}  // namespace

std::string_view log_key_name(LogKey key) {
    return k_names[static_cast<std::size_t>(key)];
}

std::string log_members_json(std::string_view event, std::span<const LogField> fields) {
    if (event.empty() && fields.empty()) return {};
    JsonWriter w;
    w.begin_object();
    if (!event.empty()) w.key("event").string(event);
    std::array<bool, k_log_key_count> seen{};
    for (const LogField& field : fields) {
        const auto index = static_cast<std::size_t>(field.key);
        if (seen[index]) continue;
        seen[index] = true;
        w.key(log_key_name(field.key));
        std::visit(
            [&](const auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, bool>) {
                    w.boolean(v);
                } else if constexpr (std::is_same_v<T, double>) {
                    w.number(v);
                } else if constexpr (std::is_same_v<T, std::string>) {
                    w.string(v);
                } else {
                    w.integer(v);
                }
            },
            field.value);
    }
    w.end_object();
    const std::string& object = w.text();  // {"event":...}: the members without the braces
    return ',' + object.substr(1, object.size() - 2);
}

}  // namespace clawinit
