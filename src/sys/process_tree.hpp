// Signalling every process below clawinit, for the final cleanup: its descendants, found in
// /proc, whether clawinit is PID 1 or a subreaper (where kill(-1) would reach the whole host).
#pragma once

#include <sys/types.h>

#include <vector>

namespace clawinit {

// Pure: the descendants of `root` given (pid, ppid) pairs, in any order.
std::vector<pid_t> descendants_of(pid_t root, const std::vector<std::pair<pid_t, pid_t>>& parents);

// Sends `signo` to every descendant of this process; returns how many were signalled.
int signal_descendants(int signo);

}  // namespace clawinit
