#include "config/options.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <map>

#include "config/child_env.hpp"
#include "config/duration.hpp"
#include "config/signal_names.hpp"
#include "config/values.hpp"
#include "sys/user.hpp"

namespace clawinit {
namespace {

constexpr std::array k_on_crash{Choice<OnCrash>{"never", OnCrash::never},
                                Choice<OnCrash>{"on-failure", OnCrash::on_failure},
                                Choice<OnCrash>{"always", OnCrash::always}};
constexpr std::array k_kill_scope{Choice<KillScope>{"child", KillScope::child},
                                  Choice<KillScope>{"group", KillScope::group}};
constexpr std::array k_log_format{Choice<LogFormat>{"text", LogFormat::text},
                                  Choice<LogFormat>{"json", LogFormat::json}};
// The names log lines print (log_level_name), then `warning`, an alias that is read but never
// printed: choice_name() returns the first match.
constexpr Choice<LogLevel> level_choice(LogLevel level) {
    return {log_level_name(level), level};
}
constexpr std::array k_log_level{level_choice(LogLevel::trace),
                                 level_choice(LogLevel::debug),
                                 level_choice(LogLevel::info),
                                 level_choice(LogLevel::warn),
                                 level_choice(LogLevel::error),
                                 level_choice(LogLevel::off),
                                 Choice<LogLevel>{"warning", LogLevel::warn}};

using Values = std::vector<std::string>;

Values text_or_unset(const std::string& text) {
    return text.empty() ? Values{} : Values{text};
}

template <typename T>
void append_unique(std::vector<T>& list, T value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) {
        list.push_back(value);
    }
}

// Two mappings for the same source within one source of config contradict each other.
void insert_mapping(std::map<int, int>& map, int from, int to, std::string (*name)(int)) {
    const auto [it, inserted] = map.emplace(from, to);
    if (!inserted && it->second != to) {
        throw ValueError(name(from) + " is mapped twice (to " + name(it->second) + " and " +
                         name(to) + ")");
    }
}

std::string signal_or_zero_name(int signal) {
    return signal == 0 ? "0" : signal_name(signal);
}
std::string number_name(int number) {
    return std::to_string(number);
}

Values mapping_texts(const std::map<int, int>& map, std::string (*name)(int)) {
    Values texts;
    for (const auto& [from, to] : map) {
        texts.push_back(name(from) + ":" + name(to));
    }
    return texts;
}

// By name: a later entry for a name replaces the earlier one in its place, whichever source
// either came from (config/child_env.hpp); a bare NAME removes NAME from the child's environment.
void set_env(Config& config, std::string_view text) {
    merge_env_entry(config.env, text);
}

void set_user(Config& config, std::string_view text) {
    config.user_error.clear();  // this source's value replaces a lower one, resolved or not
    if (text.empty()) {         // CLAWINIT_USER= over a file's `user:`: keep clawinit's own user
        config.user.clear();
        config.user_ids.reset();
        return;
    }
    const auto colon = text.find(':');
    const bool empty_part =
        colon != std::string_view::npos && (colon == 0 || colon + 1 == text.size());
    if (empty_part || text.find(':', colon + 1) != std::string_view::npos) {
        throw ValueError("bad user '" + std::string(text) + "' (use USER or USER:GROUP)");
    }
    // Resolved here, on the machine that will run the child, so the run and check-config
    // both fail on an unknown name before anything is spawned (README: Decisions).
    config.user = text;
    config.user_ids.reset();
    config.user_ids = resolve_user(text);
}

// Field accessors, instantiated per Config member, keep the table below one line per fact.
template <Duration Config::*Field>
void set_duration(Config& c, std::string_view v) {
    c.*Field = duration_value(v);
}

template <Duration Config::*Field>
void set_positive_duration(Config& c, std::string_view v) {
    c.*Field = positive_duration_value(v);
}

template <Duration Config::*Field>
Values get_duration(const Config& c) {
    return {format_duration(c.*Field)};
}

template <int Config::*Field, int Minimum>
void set_count(Config& c, std::string_view v) {
    c.*Field = count_value(v, Minimum);
}

template <int Config::*Field>
Values get_count(const Config& c) {
    return {std::to_string(c.*Field)};
}

template <std::string Config::*Field>
void set_text(Config& c, std::string_view v) {
    c.*Field = v;
}

template <std::string Config::*Field>
Values get_text(const Config& c) {
    return text_or_unset(c.*Field);
}

template <auto Field, const auto& Choices>
void set_choice(Config& c, std::string_view v) {
    c.*Field = choice_value(v, Choices);
}

template <auto Field, const auto& Choices>
Values get_choice(const Config& c) {
    return {std::string(choice_name(c.*Field, Choices))};
}

void set_restart_signal(Config& c, std::string_view v) {
    append_unique(c.restart_signals, restart_signal_value(v));
}

Values get_restart_signals(const Config& c) {
    Values texts;
    std::ranges::transform(c.restart_signals, std::back_inserter(texts), signal_name);
    return texts;
}

void set_restart_exit_code(Config& c, std::string_view v) {
    append_unique(c.restart_exit_codes, exit_code_value(v));
}

Values get_restart_exit_codes(const Config& c) {
    Values texts;
    std::ranges::transform(c.restart_exit_codes, std::back_inserter(texts), number_name);
    return texts;
}

// A restart that must be over in 0 s has always timed out: every restart would fail.
void set_restart_timeout(Config& c, std::string_view v) {
    c.restart_timeout = positive_duration_value(v);
}

Values get_restart_timeout(const Config& c) {
    return c.restart_timeout ? Values{format_duration(*c.restart_timeout)} : Values{};
}

void set_rewrite(Config& c, std::string_view v) {
    const auto [from, to] = pair_value(v, "SRC:DST, e.g. SIGTERM:SIGINT or SIGHUP:0");
    insert_mapping(c.rewrite, receivable_signal_value(from), signal_or_zero_value(to),
                   signal_or_zero_name);
}

Values get_rewrite(const Config& c) {
    return mapping_texts(c.rewrite, signal_or_zero_name);
}

void set_remap_exit(Config& c, std::string_view v) {
    const auto [from, to] = pair_value(v, "SRC:DST, exit codes 0..255, e.g. 143:0");
    insert_mapping(c.remap_exit, exit_code_value(from), exit_code_value(to), number_name);
}

Values get_remap_exit(const Config& c) {
    return mapping_texts(c.remap_exit, number_name);
}

// The endpoint and check options parse their text when they are built from it.
template <auto Field>
void set_parsed(Config& c, std::string_view v) {
    c.*Field = v;
}

template <auto Field>
Values get_parsed_text(const Config& c) {
    return text_or_unset((c.*Field).text());
}

void set_pdeath_signal(Config& c, std::string_view v) {
    c.pdeath_signal = signal_or_zero_value(v);
}

Values get_pdeath_signal(const Config& c) {
    return c.pdeath_signal == 0 ? Values{} : Values{signal_name(c.pdeath_signal)};
}

void clear_restart_signals(Config& c) {
    c.restart_signals.clear();
}
void clear_restart_exit_codes(Config& c) {
    c.restart_exit_codes.clear();
}
void clear_rewrite(Config& c) {
    c.rewrite.clear();
}
void clear_remap_exit(Config& c) {
    c.remap_exit.clear();
}
Values get_env(const Config& c) {
    return c.env;
}

constexpr std::string_view k_url = "URL";

// clang-format off
constexpr std::array k_options{
    OptionSpec{.name = k_config_option, .short_flag = 'c', .placeholder = "FILE",
               .help = "YAML config file; its keys are the long option names",
               .set = set_text<&Config::config_file>, .get = get_text<&Config::config_file>},
    OptionSpec{.name = "grace", .placeholder = "D",
               .help = "after forwarding the stop signal, wait D, then SIGKILL everything left",
               // 0 would SIGKILL at once and, as the restart timeout's default, expire every
               // restart request before the child could answer it.
               .set = set_positive_duration<&Config::grace>, .get = get_duration<&Config::grace>},
    OptionSpec{.name = "drain-delay", .placeholder = "D",
               .help = "on SIGTERM, report not-ready at once and wait D before forwarding it",
               .set = set_duration<&Config::drain_delay>,
               .get = get_duration<&Config::drain_delay>},
    OptionSpec{.name = "restart-signal", .repeat = Repeat::many, .placeholder = "SIG",
               .help = "a signal that requests an in-container restart",
               .set = set_restart_signal, .clear = clear_restart_signals,
               .get = get_restart_signals},
    OptionSpec{.name = "restart-exit-code", .repeat = Repeat::many, .placeholder = "N",
               .help = "an exit code that, after a restart signal, means \"restart me\"",
               .set = set_restart_exit_code, .clear = clear_restart_exit_codes,
               .get = get_restart_exit_codes},
    OptionSpec{.name = "restart-timeout", .placeholder = "D",
               .help = "give up a restart request if the child has not exited within D",
               .default_note = "same as --grace",
               .set = set_restart_timeout, .get = get_restart_timeout},
    OptionSpec{.name = "on-crash", .placeholder = "never|on-failure|always",
               .help = "what an exit without a restart request does (never: exit like the child)",
               .set = set_choice<&Config::on_crash, k_on_crash>,
               .get = get_choice<&Config::on_crash, k_on_crash>},
    OptionSpec{.name = "max-restarts", .placeholder = "N",
               .help = "crash restarts allowed per --restart-window; past it clawinit exits",
               .set = set_count<&Config::max_restarts, 0>,
               .get = get_count<&Config::max_restarts>},
    OptionSpec{.name = "restart-window", .placeholder = "D",
               .help = "the period the crash-restart budget is counted over",
               .set = set_positive_duration<&Config::restart_window>,
               .get = get_duration<&Config::restart_window>},
    OptionSpec{.name = "backoff", .placeholder = "D",
               .help = "delay before the first crash restart; it doubles on each one",
               .set = set_duration<&Config::backoff>, .get = get_duration<&Config::backoff>},
    OptionSpec{.name = "backoff-max", .placeholder = "D",
               .help = "the longest crash-restart delay",
               .set = set_duration<&Config::backoff_max>,
               .get = get_duration<&Config::backoff_max>},
    OptionSpec{.name = "kill-scope", .placeholder = "child|group",
               .help = "send signals to the child's pid, or to its whole process group",
               .set = set_choice<&Config::kill_scope, k_kill_scope>,
               .get = get_choice<&Config::kill_scope, k_kill_scope>},
    OptionSpec{.name = "rewrite", .repeat = Repeat::many, .placeholder = "SRC:DST",
               .help = "forward signal SRC as DST; DST 0 drops it",
               .set = set_rewrite, .clear = clear_rewrite, .get = get_rewrite},
    OptionSpec{.name = "probe-listen", .placeholder = "ADDR:PORT|off",
               .help = "address of the HTTP probe server ([::]:PORT for IPv6)",
               .set = set_parsed<&Config::probe_listen>,
               .get = get_parsed_text<&Config::probe_listen>},
    OptionSpec{.name = "ready-check", .placeholder = k_url,
               .help = "tcp://HOST:PORT, http://HOST:PORT/PATH (2xx/3xx passes) or exec:CMD",
               .default_note = "none: ready = child running",
               .set = set_parsed<&Config::ready_check>,
               .get = get_parsed_text<&Config::ready_check>},
    OptionSpec{.name = "live-check", .placeholder = k_url,
               .help = "child liveness check, same forms as --ready-check",
               .set = set_parsed<&Config::live_check>,
               .get = get_parsed_text<&Config::live_check>},
    OptionSpec{.name = "live-failures", .placeholder = "N",
               .help = "failed live checks in a row before /health answers 503",
               .set = set_count<&Config::live_failures, 1>,
               .get = get_count<&Config::live_failures>},
    OptionSpec{.name = "ready-failures", .placeholder = "N",
               .help = "failed ready checks in a row before a ready child turns /ready 503",
               .set = set_count<&Config::ready_failures, 1>,
               .get = get_count<&Config::ready_failures>},
    OptionSpec{.name = "live-start-period", .placeholder = "D",
               .help = "live checks count before the child's first ready or live pass only after D",
               .set = set_duration<&Config::live_start_period>,
               .get = get_duration<&Config::live_start_period>},
    OptionSpec{.name = "check-interval", .placeholder = "D",
               .help = "period of the ready and live checks",
               .set = set_positive_duration<&Config::check_interval>,
               .get = get_duration<&Config::check_interval>},
    OptionSpec{.name = "not-ready-interval", .placeholder = "D",
               .help = "period of the ready check while not ready or a restart is pending",
               .set = set_positive_duration<&Config::not_ready_interval>,
               .get = get_duration<&Config::not_ready_interval>},
    OptionSpec{.name = "check-timeout", .placeholder = "D",
               .help = "a check that takes longer fails",
               .set = set_positive_duration<&Config::check_timeout>,
               .get = get_duration<&Config::check_timeout>},
    OptionSpec{.name = "state-dir", .placeholder = "DIR",
               .help = "keep lifecycle state (state.json) in DIR, e.g. a volume",
               .set = set_text<&Config::state_dir>, .get = get_text<&Config::state_dir>},
    OptionSpec{.name = "pid-file", .placeholder = "FILE",
               .help = "write clawinit's pid to FILE",
               .set = set_text<&Config::pid_file>, .get = get_text<&Config::pid_file>},
    OptionSpec{.name = "user", .placeholder = "USER[:GROUP]",
               .help = "run the child as this user (names or numeric ids)",
               .default_note = "unchanged",
               .set = set_user, .get = get_text<&Config::user>},
    OptionSpec{.name = "env", .repeat = Repeat::many, .placeholder = "K=V|K",
               .help = "set K for the child (K alone: remove K); merged by name across sources",
               .set = set_env, .get = get_env},
    OptionSpec{.name = "remap-exit", .repeat = Repeat::many, .placeholder = "SRC:DST",
               .help = "map clawinit's final exit code SRC to DST, e.g. 143:0",
               .set = set_remap_exit, .clear = clear_remap_exit, .get = get_remap_exit},
    OptionSpec{.name = "pdeath-signal", .placeholder = "SIG",
               .help = "signal clawinit gets if its parent dies (subreaper use); 0: none",
               .set = set_pdeath_signal, .get = get_pdeath_signal},
    OptionSpec{.name = "log-format", .placeholder = "text|json",
               .help = "format of clawinit's own log lines on stderr",
               .set = set_choice<&Config::log_format, k_log_format>,
               .get = get_choice<&Config::log_format, k_log_format>},
    OptionSpec{.name = "log-level", .placeholder = "L",
               .help = "trace, debug, info, warn (or warning), error or off",
               .set = set_choice<&Config::log_level, k_log_level>,
               .get = get_choice<&Config::log_level, k_log_level>},
};
// clang-format on

}  // namespace

std::span<const OptionSpec> option_table() {
    return k_options;
}

const OptionSpec* find_option(std::string_view name) {
    const auto it = std::ranges::find(k_options, name, &OptionSpec::name);
    return it == k_options.end() ? nullptr : &*it;
}

namespace {

// Levenshtein distance: a misspelt key is rarely more than a letter or two off.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

const OptionSpec* closest_option(std::string_view name) {
    std::string dashed(name);
    std::ranges::replace(dashed, '_', '-');
    for (char& c : dashed)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const OptionSpec* best = nullptr;
    std::size_t best_distance = 3;  // more than 2 edits away is another word
    for (const OptionSpec& option : k_options) {
        if (option.name == k_config_option) continue;  // never a key in a file
        const std::size_t d = edit_distance(dashed, option.name);
        if (d < best_distance) {
            best = &option;
            best_distance = d;
        }
    }
    return best;
}

const OptionSpec* find_short_option(char flag) {
    const auto it = std::ranges::find(k_options, flag, &OptionSpec::short_flag);
    return flag == '\0' || it == k_options.end() ? nullptr : &*it;
}

std::string env_var_name(const OptionSpec& option) {
    std::string name = "CLAWINIT_";
    for (char c : option.name) {
        if (c == '-') {
            name += '_';
        } else if (c >= 'a' && c <= 'z') {
            name += static_cast<char>(c - 'a' + 'A');
        } else {
            name += c;
        }
    }
    return name;
}

}  // namespace clawinit
