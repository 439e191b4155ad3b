#include "config/duration.hpp"

#include <array>
#include <cstdint>

namespace clawinit {
namespace {

struct Unit {
    std::string_view suffix;
    std::int64_t milliseconds;
};

// "ms" comes first so that "250ms" is not read as "250m" followed by garbage.
constexpr std::array k_units{Unit{"ms", 1}, Unit{"h", 3'600'000}, Unit{"m", 60'000},
                             Unit{"s", 1'000}};
constexpr Unit k_bare_seconds{"", 1'000};

// More significant fraction digits than this can never be a whole number of milliseconds,
// even in hours; stopping here keeps 10^digits inside int64.
constexpr std::size_t k_max_fraction_digits = 9;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

Unit split_unit(std::string_view& text) {
    for (const Unit& unit : k_units) {
        if (text.ends_with(unit.suffix)) {
            text.remove_suffix(unit.suffix.size());
            return unit;
        }
    }
    return k_bare_seconds;
}

// Digits only, nothing else; nullopt if empty or above limit.
std::optional<std::int64_t> parse_digits(std::string_view digits, std::int64_t limit) {
    if (digits.empty()) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    for (char c : digits) {
        if (!is_digit(c)) {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
        if (value > limit) {
            return std::nullopt;
        }
    }
    return value;
}

// The fraction's value in milliseconds, if it is a whole number of them.
std::optional<std::int64_t> fraction_milliseconds(std::string_view digits, std::int64_t unit_ms) {
    while (!digits.empty() && digits.back() == '0') {
        digits.remove_suffix(1);
    }
    if (digits.size() > k_max_fraction_digits) {
        return std::nullopt;
    }
    std::int64_t scale = 1;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        scale *= 10;
    }
    const auto numerator =
        digits.empty() ? std::optional<std::int64_t>{0} : parse_digits(digits, scale);
    if (!numerator || (*numerator * unit_ms) % scale != 0) {
        return std::nullopt;
    }
    return *numerator * unit_ms / scale;
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
    const Unit unit = split_unit(text);
    std::string_view whole = text;
    std::optional<std::int64_t> fraction_ms = 0;
    if (const auto dot = text.find('.'); dot != std::string_view::npos) {
        whole = text.substr(0, dot);
        const std::string_view fraction = text.substr(dot + 1);
        if (fraction.empty() || fraction.find_first_not_of("0123456789") != fraction.npos) {
            return std::nullopt;
        }
        fraction_ms = fraction_milliseconds(fraction, unit.milliseconds);
    }
    const std::int64_t max_ms = k_max_duration.count();
    const auto count = parse_digits(whole, max_ms / unit.milliseconds);
    if (!count || !fraction_ms) {
        return std::nullopt;
    }
    const std::int64_t total = *count * unit.milliseconds + *fraction_ms;
    if (total > max_ms) {
        return std::nullopt;
    }
    return Duration{total};
}

std::string format_duration(Duration duration) {
    const std::int64_t ms = duration.count();
    if (ms == 0) {
        return "0s";
    }
    for (const Unit& unit : k_units) {
        if (unit.milliseconds > 1 && ms % unit.milliseconds == 0) {
            return std::to_string(ms / unit.milliseconds) + std::string(unit.suffix);
        }
    }
    return std::to_string(ms) + "ms";
}

}  // namespace clawinit
