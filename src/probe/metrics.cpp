#include "probe/metrics.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>

#include "config/signal_names.hpp"

namespace clawinit {
namespace {

enum class MetricType { counter, gauge };

// HELP and TYPE precede a family's samples, as the format requires; the help texts are
// constants without backslashes or newlines, so they need no escaping.
void add_family_header(std::string& out, std::string_view name, MetricType type,
                       std::string_view help) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name,
                       type == MetricType::counter ? "counter" : "gauge");
}

void add_sample(std::string& out, std::string_view name, std::string_view value) {
    out += fmt::format("{} {}\n", name, value);
}

void add_labelled_sample(std::string& out, std::string_view name, std::string_view label,
                         std::string_view label_value, std::string_view value) {
    out += fmt::format("{}{{{}=\"{}\"}} {}\n", name, label, escape_label_value(label_value), value);
}

std::string count(std::uint64_t value) {
    return std::to_string(value);
}

std::string flag(bool value) {
    return value ? "1" : "0";
}

// A duration not measured yet is NaN rather than 0, so it cannot be mistaken for an
// instant stop.
std::string optional_seconds(const std::optional<double>& seconds) {
    return format_sample_value(seconds.value_or(std::nan("")));
}

void add_restarts(std::string& out, const ProbeSnapshot& s) {
    constexpr std::string_view k_name = "clawinit_restarts_total";
    add_family_header(
        out, k_name, MetricType::counter,
        "Child restarts, by reason (signal: asked to restart, new process; in_place: asked to "
        "restart, the same process restarted itself; crash: unexpected exit).");
    // Every label value is always present so rate() works from the first restart on.
    add_labelled_sample(out, k_name, "reason", "signal", count(s.restarts_signal));
    add_labelled_sample(out, k_name, "reason", "in_place", count(s.restarts_in_place));
    add_labelled_sample(out, k_name, "reason", "crash", count(s.restarts_crash));
}

void add_signals_forwarded(std::string& out, const ProbeSnapshot& s) {
    constexpr std::string_view k_name = "clawinit_signals_forwarded_total";
    add_family_header(out, k_name, MetricType::counter, "Signals forwarded to the child, by name.");
    for (const auto& [signal, forwarded] : s.forwarded) {
        add_labelled_sample(out, k_name, "signal", signal_name(signal), count(forwarded));
    }
}

void add_signals_dropped(std::string& out, const ProbeSnapshot& s) {
    constexpr std::string_view k_name = "clawinit_signals_dropped_total";
    add_family_header(out, k_name, MetricType::counter,
                      "Signals that reached clawinit and went nowhere, by name and reason.");
    for (const auto& [key, dropped] : s.dropped) {
        out += fmt::format("{}{{signal=\"{}\",reason=\"{}\"}} {}\n", k_name,
                           escape_label_value(signal_name(key.first)), drop_reason_name(key.second),
                           count(dropped));
    }
}

// One sample per status, 1 for the current one (the Prometheus "state set" shape), so
// `clawinit_status{status="unready"} == 1` is an alert rule and the word is /status's.
void add_status(std::string& out, const ProbeSnapshot& s) {
    constexpr std::string_view k_name = "clawinit_status";
    add_family_header(out, k_name, MetricType::gauge,
                      "1 for the status /status reports, 0 for the others.");
    for (const Status status : k_all_statuses)
        add_labelled_sample(out, k_name, "status", status_name(status), flag(status == s.status));
}

// The reason /status gives, as its kind only: the text before the first ": " (`ready check
// failing`, `live check failing`, `child starting`, ...). The detail after it (an HTTP code,
// an errno text) would make a new series for every distinct error; it stays in /status.
std::string_view reason_kind(std::string_view reason) {
    return reason.substr(0, reason.find(": "));
}

// One sample while /status gives a reason, none while it gives none (running and ready).
void add_status_reason(std::string& out, const ProbeSnapshot& s) {
    constexpr std::string_view k_name = "clawinit_status_reason";
    add_family_header(out, k_name, MetricType::gauge,
                      "1 for the reason /status gives, without its detail; absent when none.");
    if (!s.reason) return;
    out += fmt::format("{}{{status=\"{}\",reason=\"{}\"}} 1\n", k_name, status_name(s.status),
                       escape_label_value(reason_kind(*s.reason)));
}

void add_child_exits(std::string& out, const ProbeSnapshot& s) {
    constexpr std::string_view k_name = "clawinit_child_exits_total";
    add_family_header(out, k_name, MetricType::counter,
                      "Child exits, by exit code (128+N when signal N killed it).");
    for (const auto& [code, exits] : s.exits) {
        add_labelled_sample(out, k_name, "code", std::to_string(code), count(exits));
    }
}

void add_counter(std::string& out, std::string_view name, std::string_view help,
                 std::uint64_t value) {
    add_family_header(out, name, MetricType::counter, help);
    add_sample(out, name, count(value));
}

void add_gauge(std::string& out, std::string_view name, std::string_view help,
               std::string_view value) {
    add_family_header(out, name, MetricType::gauge, help);
    add_sample(out, name, value);
}

}  // namespace

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '"':
                out += "\\\"";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string format_sample_value(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    return fmt::format("{}", value);  // shortest form that reads back as the same double
}

std::string render_metrics(const ProbeSnapshot& s) {
    std::string out;
    add_restarts(out, s);
    add_signals_forwarded(out, s);
    add_signals_dropped(out, s);
    add_counter(out, "clawinit_zombies_reaped_total",
                "Exited processes other than the child that clawinit reaped.", s.zombies_reaped);
    add_child_exits(out, s);
    add_counter(out, "clawinit_log_lines_dropped_total",
                "clawinit log lines that never reached stderr (a stalled or closed reader).",
                s.log_lines_dropped);
    add_gauge(out, "clawinit_last_stop_duration_seconds",
              "Seconds the last stop of the child took; NaN before the first one.",
              optional_seconds(s.last_stop_seconds));
    add_gauge(out, "clawinit_last_state_save_duration_seconds",
              "Seconds the last state.json save took; NaN before the first one.",
              optional_seconds(s.last_state_save_seconds));
    add_status(out, s);
    add_status_reason(out, s);
    add_gauge(out, "clawinit_ready", "1 when the child is ready (what /ready answers), else 0.",
              flag(s.ready));
    add_gauge(out, "clawinit_live", "1 when clawinit reports live (what /health answers), else 0.",
              flag(s.live));
    add_gauge(out, "clawinit_uptime_seconds", "Seconds since clawinit started.",
              format_sample_value(s.uptime_seconds));
    return out;
}

}  // namespace clawinit
