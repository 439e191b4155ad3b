#include "config/signal_names.hpp"

#include <array>
#include <charconv>
#include <csignal>

namespace clawinit {
namespace {

struct SignalName {
    std::string_view name;  // without the "SIG" prefix
    int number;
};

// The canonical name of a number comes first; aliases follow it so signal_name never
// picks them.
constexpr std::array k_signals{
    SignalName{"HUP", SIGHUP},       SignalName{"INT", SIGINT},   SignalName{"QUIT", SIGQUIT},
    SignalName{"ILL", SIGILL},       SignalName{"TRAP", SIGTRAP}, SignalName{"ABRT", SIGABRT},
    SignalName{"BUS", SIGBUS},       SignalName{"FPE", SIGFPE},   SignalName{"KILL", SIGKILL},
    SignalName{"USR1", SIGUSR1},     SignalName{"SEGV", SIGSEGV}, SignalName{"USR2", SIGUSR2},
    SignalName{"PIPE", SIGPIPE},     SignalName{"ALRM", SIGALRM}, SignalName{"TERM", SIGTERM},
#ifdef SIGSTKFLT
    SignalName{"STKFLT", SIGSTKFLT},
#endif
    SignalName{"CHLD", SIGCHLD},     SignalName{"CONT", SIGCONT}, SignalName{"STOP", SIGSTOP},
    SignalName{"TSTP", SIGTSTP},     SignalName{"TTIN", SIGTTIN}, SignalName{"TTOU", SIGTTOU},
    SignalName{"URG", SIGURG},       SignalName{"XCPU", SIGXCPU}, SignalName{"XFSZ", SIGXFSZ},
    SignalName{"VTALRM", SIGVTALRM}, SignalName{"PROF", SIGPROF}, SignalName{"WINCH", SIGWINCH},
    SignalName{"IO", SIGIO},
#ifdef SIGPWR
    SignalName{"PWR", SIGPWR},
#endif
    SignalName{"SYS", SIGSYS},       SignalName{"IOT", SIGABRT},  SignalName{"CLD", SIGCHLD},
    SignalName{"POLL", SIGIO},
};

// The highest classic (non-real-time) signal number on Linux.
constexpr int k_last_classic_signal = 31;

std::string to_upper(std::string_view text) {
    std::string upper(text);
    for (char& c : upper) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return upper;
}

std::optional<int> parse_number(std::string_view digits) {
    int value = 0;
    const char* end = digits.data() + digits.size();
    const auto [ptr, ec] = std::from_chars(digits.data(), end, value);
    if (digits.empty() || digits.front() == '-' || ec != std::errc{} || ptr != end) {
        return std::nullopt;
    }
    return value;
}

bool is_usable(int signal) {
    if (signal >= 1 && signal <= k_last_classic_signal) {
        return true;
    }
    return signal >= SIGRTMIN && signal <= SIGRTMAX;
}

// "RTMIN", "RTMIN+N", "RTMAX", "RTMAX-N" (already upper-case, without "SIG").
std::optional<int> parse_realtime(std::string_view name) {
    int base = 0;
    int direction = 0;
    if (name.starts_with("RTMIN")) {
        base = SIGRTMIN;
        direction = 1;
    } else if (name.starts_with("RTMAX")) {
        base = SIGRTMAX;
        direction = -1;
    } else {
        return std::nullopt;
    }
    std::string_view offset = name.substr(5);
    if (offset.empty()) {
        return base;
    }
    if (offset.front() != (direction > 0 ? '+' : '-')) {
        return std::nullopt;
    }
    const auto steps = parse_number(offset.substr(1));
    if (!steps || *steps > SIGRTMAX - SIGRTMIN) {
        return std::nullopt;
    }
    return base + direction * *steps;
}

}  // namespace

std::optional<int> parse_signal(std::string_view text) {
    const std::string upper = to_upper(text);
    std::string_view name = upper;
    if (name.starts_with("SIG")) {
        name.remove_prefix(3);
    }
    if (const auto number = parse_number(name)) {
        return is_usable(*number) ? number : std::nullopt;
    }
    if (const auto realtime = parse_realtime(name)) {
        return realtime;
    }
    for (const SignalName& entry : k_signals) {
        if (entry.name == name) {
            return entry.number;
        }
    }
    return std::nullopt;
}

std::string signal_name(int signal) {
    for (const SignalName& entry : k_signals) {
        if (entry.number == signal) {
            return "SIG" + std::string(entry.name);
        }
    }
    if (signal == SIGRTMIN) {
        return "SIGRTMIN";
    }
    if (signal == SIGRTMAX) {
        return "SIGRTMAX";
    }
    if (signal > SIGRTMIN && signal < SIGRTMAX) {
        return "SIGRTMIN+" + std::to_string(signal - SIGRTMIN);
    }
    return "SIG" + std::to_string(signal);
}

}  // namespace clawinit
