// --pdeath-signal: PR_SET_PDEATHSIG asks the kernel to signal clawinit when its parent dies,
// but only for a death *after* the call. A parent that died while clawinit was still starting
// (reading its config, say) would never be noticed, so the call is followed by the usual check
// of getppid() against the parent clawinit had when it started.
#pragma once

#include <sys/types.h>

namespace clawinit {

// Pure: whether the parent seen at start (`parent_at_start`, from getppid() first thing in
// main) is gone, given getppid() now. Adoption by a subreaper or init changes the parent pid.
// 0 means the parent is outside clawinit's PID namespace (clawinit is PID 1 of a container):
// its adoptive parent would be invisible too, so nothing can be told; and no death is assumed.
bool parent_gone(pid_t parent_at_start, pid_t parent_now);

// prctl(PR_SET_PDEATHSIG, signal), then parent_gone(parent_at_start, getppid()): true when the
// parent already died, and the caller must act as if `signal` had arrived. Throws
// std::system_error if prctl fails.
bool set_parent_death_signal(int signal, pid_t parent_at_start);

}  // namespace clawinit
