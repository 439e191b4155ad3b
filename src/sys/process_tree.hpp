// Signalling every process below clawinit, for the final cleanup: its descendants, found in
// /proc, whether clawinit is PID 1 or a subreaper (where kill(-1) would reach the whole host).
#pragma once

#include <sys/types.h>

#include <string_view>
#include <vector>

namespace clawinit {

// Pure: the parent's pid from the text of /proc/PID/stat, "pid (comm) state ppid ...". comm may
// hold spaces and ')', so the fields are read after the last ')'. -1 when the text is not that.
pid_t parent_from_stat(std::string_view stat);

// Pure: the descendants of `root` given (pid, ppid) pairs, in any order.
std::vector<pid_t> descendants_of(pid_t root, const std::vector<std::pair<pid_t, pid_t>>& parents);

// Sends `signo` to every descendant of this process; returns how many were signalled.
int signal_descendants(int signo);

}  // namespace clawinit
