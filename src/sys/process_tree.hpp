// Signalling every process below clawinit, for the final cleanup: as PID 1 that is everything
// in the PID namespace (kill(-1)); as a subreaper it is the descendants found in /proc, since
// kill(-1) would reach the whole host.
#pragma once

#include <sys/types.h>

#include <vector>

namespace clawinit {

// Pure: the descendants of `root` given (pid, ppid) pairs, in any order.
std::vector<pid_t> descendants_of(pid_t root, const std::vector<std::pair<pid_t, pid_t>>& parents);

// Sends `signo` to every descendant of this process; returns how many were signalled (for
// PID 1, whether kill(-1) found anyone: 1 or 0).
int signal_descendants(int signo);

}  // namespace clawinit
