// `clawinit ... -- clawinit [opts] -- cmd`: the tini habit (`docker run IMAGE clawinit -- cmd`)
// with an image whose ENTRYPOINT is already clawinit. Two supervisors would collide on the probe
// port and the inner one's exit 2 would become the outer one's crash loop; instead the inner one
// steps aside and the outer clawinit supervises the command itself.
//
// How the inner one knows: every clawinit puts CLAWINIT_PARENT=<its pid> into its child's
// environment, and a clawinit whose parent pid equals that value is nested. (Not /proc/PPID/exe:
// the outer one may be a different path or build, and /proc may be absent; a stale variable that
// was passed further down never matches, because the parent pid differs.)
#pragma once

#include <string>

#include "config/config.hpp"

namespace clawinit {

constexpr const char* k_parent_variable = "CLAWINIT_PARENT";

// true when `parent_value` (CLAWINIT_PARENT, may be null) names our parent pid.
bool nested_under_clawinit(const char* parent_value, int parent_pid);

// What the outer clawinit adds to its child's environment.
std::string parent_marker(int own_pid);

// Replaces this process with the command: the inner --env and --user still apply (the user
// switch only if we are not that user already); everything else is the outer clawinit's job.
// Returns only on failure, with the exit code (127/126 like a failed spawn).
int exec_in_place(const Config& config);

}  // namespace clawinit
