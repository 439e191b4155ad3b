// GCC 12 reports a false maybe-uninitialized inside std::regex's compiler at -O2 and above
// with sanitizers on, which -Werror would turn into a broken ASan build.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <doctest/doctest.h>

#include <cmath>
#include <csignal>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "probe/metrics.hpp"

using clawinit::escape_label_value;
using clawinit::format_sample_value;
using clawinit::ProbeSnapshot;
using clawinit::render_metrics;

namespace {

// The text exposition format 0.0.4, as far as clawinit uses it: no timestamps.
const std::string k_name = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const std::string k_label = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:\\\\[\\\\\"n]|[^\"\\\\\\n])*\"";
const std::string k_value = "NaN|[+-]Inf|[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?";
const std::regex k_sample_line("(" + k_name + ")(\\{(?:" + k_label + ")(?:," + k_label +
                               ")*\\})? (" + k_value + ")");
const std::regex k_help_line("# HELP (" + k_name + ") \\S.*");
const std::regex k_type_line("# TYPE (" + k_name + ") (counter|gauge)");

struct Family {
    bool help{false};
    std::string type;
    bool closed{false};  // its samples ended; another sample later would split the family
};

struct Parsed {
    std::map<std::string, std::string> samples;  // name{labels} -> value
    std::vector<std::string> families;           // in order of appearance
    std::map<std::string, Family> by_name;
};

// Checks the grammar line by line while it collects the samples.
Parsed parse_exposition(const std::string& text) {
    Parsed parsed;
    REQUIRE(text.ends_with("\n"));
    std::istringstream lines(text);
    std::string line;
    std::string current;
    while (std::getline(lines, line)) {
        CAPTURE(line);
        std::smatch match;
        if (std::regex_match(line, match, k_help_line)) {
            const std::string name = match[1];
            REQUIRE(parsed.by_name.count(name) == 0);  // one HELP per family, first
            if (!current.empty()) parsed.by_name[current].closed = true;
            parsed.by_name[name].help = true;
            parsed.families.push_back(name);
            current = name;
        } else if (std::regex_match(line, match, k_type_line)) {
            REQUIRE(match[1] == current);  // TYPE right after its HELP
            Family& family = parsed.by_name[current];
            REQUIRE(family.type.empty());
            family.type = match[2];
        } else if (std::regex_match(line, match, k_sample_line)) {
            const std::string name = match[1];
            REQUIRE(name == current);  // HELP and TYPE came first, and families are contiguous
            const Family& family = parsed.by_name[name];
            REQUIRE(family.help);
            REQUIRE_FALSE(family.type.empty());
            REQUIRE_FALSE(family.closed);
            const std::string key = name + match[2].str();
            REQUIRE(parsed.samples.count(key) == 0);
            parsed.samples[key] = match[3];
        } else {
            FAIL("line is not HELP, TYPE or a sample");
        }
    }
    return parsed;
}

ProbeSnapshot populated() {
    ProbeSnapshot s;
    s.status = clawinit::Status::unready;
    s.reason = "ready check failing: HTTP 503";
    s.live = true;
    s.ready = true;
    s.started = true;
    s.uptime_seconds = 12.5;
    s.child_pid = 424242;
    s.restarts = 5;
    s.restarts_signal = 3;
    s.restarts_crash = 2;
    s.restarts_in_place = 4;
    s.forwarded = {{SIGTERM, 4}, {SIGUSR1, 1}, {SIGRTMIN + 2, 6}};
    s.exits = {{0, 1}, {1, 2}, {137, 9}};
    s.zombies_reaped = 17;
    s.last_stop_seconds = 1.25;
    s.last_state_save_seconds = 0.003;
    s.log_lines_dropped = 31;
    s.dropped = {{{SIGUSR1, clawinit::DropReason::rewritten}, 7},
                 {{SIGUSR2, clawinit::DropReason::stopping}, 1}};
    return s;
}

const std::vector<std::string> k_all_families{
    "clawinit_restarts_total",
    "clawinit_signals_forwarded_total",
    "clawinit_signals_dropped_total",
    "clawinit_zombies_reaped_total",
    "clawinit_child_exits_total",
    "clawinit_log_lines_dropped_total",
    "clawinit_last_stop_duration_seconds",
    "clawinit_last_state_save_duration_seconds",
    "clawinit_status",
    "clawinit_status_reason",
    "clawinit_ready",
    "clawinit_live",
    "clawinit_uptime_seconds",
};

}  // namespace

TEST_CASE("probe metrics: grammar, families and naming") {
    for (const ProbeSnapshot& s : {ProbeSnapshot{}, populated()}) {
        const Parsed parsed = parse_exposition(render_metrics(s));
        CHECK(parsed.families == k_all_families);
        for (const auto& [name, family] : parsed.by_name) {
            CAPTURE(name);
            CHECK(name.starts_with("clawinit_"));
            CHECK(family.help);
            CHECK(name.ends_with("_total") == (family.type == "counter"));
        }
    }
}

TEST_CASE("probe metrics: values of a populated snapshot") {
    const std::string text = render_metrics(populated());
    const auto samples = parse_exposition(text).samples;
    const std::map<std::string, std::string> expected{
        {R"(clawinit_restarts_total{reason="signal"})", "3"},
        {R"(clawinit_restarts_total{reason="crash"})", "2"},
        {R"(clawinit_restarts_total{reason="in_place"})", "4"},
        {R"(clawinit_signals_forwarded_total{signal="SIGTERM"})", "4"},
        {R"(clawinit_signals_forwarded_total{signal="SIGUSR1"})", "1"},
        {R"(clawinit_signals_forwarded_total{signal="SIGRTMIN+2"})", "6"},
        {R"(clawinit_signals_dropped_total{signal="SIGUSR1",reason="rewritten"})", "7"},
        {R"(clawinit_signals_dropped_total{signal="SIGUSR2",reason="stopping"})", "1"},
        {"clawinit_zombies_reaped_total", "17"},
        {R"(clawinit_child_exits_total{code="0"})", "1"},
        {R"(clawinit_child_exits_total{code="1"})", "2"},
        {R"(clawinit_child_exits_total{code="137"})", "9"},
        {"clawinit_log_lines_dropped_total", "31"},
        {"clawinit_last_stop_duration_seconds", "1.25"},
        {"clawinit_last_state_save_duration_seconds", "0.003"},
        {R"(clawinit_status{status="starting"})", "0"},
        {R"(clawinit_status{status="running"})", "0"},
        {R"(clawinit_status{status="unready"})", "1"},
        {R"(clawinit_status{status="restarting"})", "0"},
        {R"(clawinit_status{status="backoff"})", "0"},
        {R"(clawinit_status{status="stopping"})", "0"},
        // The reason's kind: its detail ("HTTP 503") would make a series per distinct error.
        {R"(clawinit_status_reason{status="unready",reason="ready check failing"})", "1"},
        {"clawinit_ready", "1"},
        {"clawinit_live", "1"},
        {"clawinit_uptime_seconds", "12.5"},
    };
    CHECK(samples == expected);
    CHECK(text.find("424242") == std::string::npos);  // no pid in metrics
}

TEST_CASE("probe metrics: a fresh snapshot") {
    ProbeSnapshot s;
    s.live = false;
    const auto samples = parse_exposition(render_metrics(s)).samples;
    const std::map<std::string, std::string> expected{
        {R"(clawinit_restarts_total{reason="signal"})", "0"},
        {R"(clawinit_restarts_total{reason="crash"})", "0"},
        {R"(clawinit_restarts_total{reason="in_place"})", "0"},
        {"clawinit_zombies_reaped_total", "0"},
        {"clawinit_log_lines_dropped_total", "0"},
        {"clawinit_last_stop_duration_seconds", "NaN"},
        {"clawinit_last_state_save_duration_seconds", "NaN"},
        {R"(clawinit_status{status="starting"})", "1"},
        {R"(clawinit_status{status="running"})", "0"},
        {R"(clawinit_status{status="unready"})", "0"},
        {R"(clawinit_status{status="restarting"})", "0"},
        {R"(clawinit_status{status="backoff"})", "0"},
        {R"(clawinit_status{status="stopping"})", "0"},
        {"clawinit_ready", "0"},
        {"clawinit_live", "0"},
        {"clawinit_uptime_seconds", "0"},
    };
    CHECK(samples == expected);
}

TEST_CASE("probe metrics: the status reason, without its detail, only while there is one") {
    ProbeSnapshot s;
    const std::string name = "clawinit_status_reason";
    CHECK(parse_exposition(render_metrics(s)).samples.count(name) == 0);  // no reason, no sample
    const std::vector<std::pair<std::string, std::string>> reasons{
        {"child starting", "child starting"},
        {"child crashed, restart pending", "child crashed, restart pending"},
        {"live check failing: connect: Connection refused", "live check failing"},
        {"ready check failing", "ready check failing"},
    };
    for (const auto& [reason, kind] : reasons) {
        CAPTURE(reason);
        s.reason = reason;
        const auto samples = parse_exposition(render_metrics(s)).samples;
        std::vector<std::string> keys;
        for (const auto& [key, value] : samples)
            if (key.starts_with(name + "{")) keys.push_back(key + " " + value);
        CHECK(keys ==
              std::vector<std::string>{name + R"({status="starting",reason=")" + kind + "\"} 1"});
    }
}

TEST_CASE("probe metrics: label value escaping") {
    CHECK(escape_label_value("SIGTERM") == "SIGTERM");
    CHECK(escape_label_value("a\\b") == "a\\\\b");
    CHECK(escape_label_value("say \"hi\"") == "say \\\"hi\\\"");
    CHECK(escape_label_value("two\nlines") == "two\\nlines");
    CHECK(escape_label_value("\\n") == "\\\\n");  // a literal backslash-n stays distinguishable

    const std::string nasty = "back\\slash \"quoted\"\nnext";
    const std::string line = "clawinit_x_total{l=\"" + escape_label_value(nasty) + "\"} 1";
    CHECK(std::regex_match(line, k_sample_line));
    const std::string unescaped_line = "clawinit_x_total{l=\"" + nasty + "\"} 1";
    CHECK_FALSE(std::regex_match(unescaped_line, k_sample_line));
}

TEST_CASE("probe metrics: sample values") {
    CHECK(format_sample_value(std::nan("")) == "NaN");
    CHECK(format_sample_value(INFINITY) == "+Inf");
    CHECK(format_sample_value(-INFINITY) == "-Inf");
    CHECK(format_sample_value(3) == "3");
    CHECK(format_sample_value(0) == "0");
    for (const double value : {0.1, 1.0 / 3, 1e-9, 123456789.125, 2.5e20, -7.75}) {
        CAPTURE(value);
        const std::string text = format_sample_value(value);
        CHECK(std::regex_match(text, std::regex(k_value)));
        CHECK(std::stod(text) == value);  // round-trips exactly
    }
}
