#include "config/values.hpp"

#include <algorithm>
#include <charconv>
#include <csignal>

#include "config/duration.hpp"
#include "config/signal_names.hpp"

namespace clawinit {
namespace {

constexpr int k_max_exit_code = 255;

std::string quoted(std::string_view text) {
    return "'" + std::string(text) + "'";
}

// Why clawinit can never receive `signal` as a request, if it cannot: the kernel does not
// let it be caught, SIGCHLD is consumed by the reaper, and fault signals stay unblocked.
std::string_view unreceivable_reason(int signal) {
    switch (signal) {
        case SIGKILL:
        case SIGSTOP:
            return "cannot be caught";
        case SIGCHLD:
            return "is used for reaping";
        case SIGSEGV:
        case SIGBUS:
        case SIGILL:
        case SIGFPE:
        case SIGABRT:
        case SIGTRAP:
        case SIGSYS:
            return "is a fault signal, never forwarded";
        default:
            return {};
    }
}

}  // namespace

Duration duration_value(std::string_view text) {
    if (const auto duration = parse_duration(text)) {
        return *duration;
    }
    throw ValueError("bad duration " + quoted(text) + " (use 250ms, 8s, 2m or bare seconds)");
}

Duration positive_duration_value(std::string_view text) {
    const Duration duration = duration_value(text);
    if (duration == Duration::zero()) {
        throw ValueError("bad duration " + quoted(text) + " (must be longer than 0)");
    }
    return duration;
}

int signal_value(std::string_view text) {
    if (const auto signal = parse_signal(text)) {
        return *signal;
    }
    throw ValueError("bad signal " + quoted(text) +
                     " (use a name like SIGUSR1 or USR1, SIGRTMIN+N, or a number)");
}

int signal_or_zero_value(std::string_view text) {
    return text == "0" ? 0 : signal_value(text);
}

int receivable_signal_value(std::string_view text) {
    const int signal = signal_value(text);
    if (const auto reason = unreceivable_reason(signal); !reason.empty()) {
        throw ValueError("bad signal '" + std::string(text) + "' (" + signal_name(signal) + " " +
                         std::string(reason) + ")");
    }
    return signal;
}

int restart_signal_value(std::string_view text) {
    const int signal = receivable_signal_value(text);
    if (signal == SIGTERM || signal == SIGINT || signal == SIGQUIT) {
        throw ValueError("bad signal '" + std::string(text) + "' (" + signal_name(signal) +
                         " is a stop signal)");
    }
    return signal;
}

int count_value(std::string_view text, int minimum) {
    int value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value < minimum) {
        throw ValueError("bad number " + quoted(text) +
                         " (use a whole number >= " + std::to_string(minimum) + ")");
    }
    return value;
}

int exit_code_value(std::string_view text) {
    int value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value < 0 || value > k_max_exit_code) {
        throw ValueError("bad exit code " + quoted(text) + " (use 0..255)");
    }
    return value;
}

std::pair<std::string_view, std::string_view> pair_value(std::string_view text,
                                                         std::string_view usage) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
        throw ValueError("bad mapping " + quoted(text) + " (use " + std::string(usage) + ")");
    }
    return {text.substr(0, colon), text.substr(colon + 1)};
}

std::vector<std::string> words_of(std::string_view text) {
    constexpr std::string_view k_blanks = " \t\n\r\v\f";
    std::vector<std::string> words;
    for (std::size_t at = text.find_first_not_of(k_blanks); at != std::string_view::npos;) {
        const std::size_t end = std::min(text.find_first_of(k_blanks, at), text.size());
        words.emplace_back(text.substr(at, end - at));
        at = text.find_first_not_of(k_blanks, end);
    }
    return words;
}

std::string choices_text(std::span<const std::string_view> names) {
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) {
            text += i + 1 == names.size() ? " or " : ", ";
        }
        text += names[i];
    }
    return text;
}

}  // namespace clawinit
