// Signal plumbing for PID 1: everything but the fault signals is blocked from the start, so
// nothing is lost before the loop is up; then sys/signal_relay.hpp takes over every signal but
// SIGCHLD, which stays blocked and is read from a signalfd by the reaper's loop.
#pragma once

#include <signal.h>

#include <vector>

#include "sys/fd.hpp"

namespace clawinit {

// Blocks every signal except SEGV, BUS, ILL, FPE, ABRT, TRAP and SYS (which the kernel must be
// able to deliver for a fault) and returns the mask that was in force before, for the child.
sigset_t block_signals();

// A non-blocking, close-on-exec signalfd for SIGCHLD.
Fd open_sigchld_fd();

// Reads every pending signal from the signalfd, in arrival order; empty when none is left.
std::vector<int> read_signals(int signal_fd);

}  // namespace clawinit
