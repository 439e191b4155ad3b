// Parsers for the kinds of values options take. Each throws ValueError with a message that
// quotes the value and shows the accepted forms, e.g.
// "bad duration '8x' (use 250ms, 8s, 2m or bare seconds)".
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "config/value_error.hpp"

namespace clawinit {

Duration duration_value(std::string_view text);
Duration positive_duration_value(std::string_view text);  // also rejects 0
int signal_value(std::string_view text);
int signal_or_zero_value(std::string_view text);  // "0" means "no signal"
// A signal clawinit can receive and forward: not KILL/STOP, CHLD (reaping) or a fault signal.
int receivable_signal_value(std::string_view text);
// A receivable signal that is not a stop signal (TERM, INT, QUIT).
int restart_signal_value(std::string_view text);
int count_value(std::string_view text, int minimum);
int exit_code_value(std::string_view text);  // 0..255

// "SRC:DST" split at the first ':'; both halves non-empty. `usage` names the expected form.
std::pair<std::string_view, std::string_view> pair_value(std::string_view text,
                                                         std::string_view usage);

// One accepted spelling of an enum value.
template <typename E>
struct Choice {
    std::string_view name;
    E value;
};

// "a, b or c"
std::string choices_text(std::span<const std::string_view> names);

// The words of text, split at blanks (spaces, tabs, newlines): "a  b\nc" is a, b, c.
std::vector<std::string> words_of(std::string_view text);

template <typename E, std::size_t N>
E choice_value(std::string_view text, const std::array<Choice<E>, N>& choices) {
    std::array<std::string_view, N> names;
    for (std::size_t i = 0; i < N; ++i) {
        if (choices[i].name == text) {
            return choices[i].value;
        }
        names[i] = choices[i].name;
    }
    throw ValueError("bad value '" + std::string(text) + "' (use " + choices_text(names) + ")");
}

template <typename E, std::size_t N>
std::string_view choice_name(E value, const std::array<Choice<E>, N>& choices) {
    for (const Choice<E>& choice : choices) {
        if (choice.value == value) {
            return choice.name;
        }
    }
    return {};
}

}  // namespace clawinit
