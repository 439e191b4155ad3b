// Signal plumbing for PID 1: block everything but the fault signals and read them from a
// signalfd, so no handler ever runs and one event loop sees every signal in order.
#pragma once

#include <signal.h>

#include <vector>

#include "core/signal_origin.hpp"
#include "sys/fd.hpp"

namespace clawinit {

// Blocks every signal except SEGV, BUS, ILL, FPE, ABRT, TRAP and SYS (which the kernel must be
// able to deliver for a fault) and returns the mask that was in force before, for the child.
sigset_t block_signals();

// A non-blocking, close-on-exec signalfd for the blocked set.
Fd open_signalfd();

struct ReceivedSignal {
    int signo{0};
    SignalOrigin origin;  // who sent it: self_caused_signal() tells ours from the operator's
};

// Reads every pending signal from the signalfd, in arrival order; empty when none is left.
std::vector<ReceivedSignal> read_signals(int signal_fd);

}  // namespace clawinit
