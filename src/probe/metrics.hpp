// /metrics: the ProbeSnapshot in Prometheus text exposition format 0.0.4.
#pragma once

#include <string>
#include <string_view>

#include "probe/snapshot.hpp"

namespace clawinit {

// Every family is present with # HELP and # TYPE even when it has no sample yet, so a
// dashboard sees the names from the first scrape. No pid, command line or environment.
std::string render_metrics(const ProbeSnapshot& s);

// A label value escaped for the exposition format: backslash, double quote and newline.
std::string escape_label_value(std::string_view value);

// A sample value: shortest round-trip decimal, or NaN / +Inf / -Inf as Prometheus spells them.
std::string format_sample_value(double value);

}  // namespace clawinit
