// Every signal but SIGCHLD reaches clawinit through one handler that does the urgent part at
// once and leaves the decisions to the event loop. A plain forward (a signal that neither
// stops nor restarts) is sent to the child from the handler itself, so nothing the loop is
// busy with — a burst of probe requests, a state save, 10 000 reaps — can delay it; the
// handler then queues the signal (and what it sent) for the loop, which logs it, counts it and
// handles stop and restart signals through the Supervisor as before.
//
// Order is kept: while a signal the loop must decide on is queued and not yet acted on, the
// handler forwards nothing itself and queues everything behind it.
//
// SIGCHLD stays blocked and is read from a signalfd (sys/signals.hpp): reaping is the loop's.
#pragma once

#include <signal.h>

#include <array>
#include <cstddef>
#include <vector>

namespace clawinit::signal_relay {

// direct[signo]: the signal the handler sends straight to the child for signo, 0 when the loop
// must decide (stop and restart signals, a rewrite to nothing).
using DirectTable = std::array<int, NSIG>;

struct Received {
    int signo;
    int sent_as;  // the handler already sent this to the child (0: it did not)
    int sent_to;  // the child's pid, when it did
    int error;    // errno of that kill(), 0 on success
};

// Installs the handler for every catchable signal but SIGCHLD and the fault signals, and
// unblocks them. Returns a non-blocking eventfd that turns readable when a signal was queued.
// Once per process.
int install(const DirectTable& direct, bool group);

// The child the handler forwards to (0: none). Only ever changed while a Hold is in force or
// before any child was reaped, so the handler never signals a pid that waitpid() has freed.
void set_target(int pid);

// Appends what the handler queued since the last call, in arrival order, and clears the
// eventfd. Returns how many of them the loop must decide on.
std::size_t take(std::vector<Received>& out);

// The loop has acted on `count` entries that take() said it must decide on; the handler may
// forward on its own again once none is left.
void decided(std::size_t count);

// Keeps the handler from running while it lives: around fork (the child must not run our
// handler) and around reaping (the target must be cleared before its pid can be reused).
class Hold {
public:
    Hold();
    ~Hold();
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

private:
    sigset_t m_previous;
};

// In a forked child before exec (async-signal-safe): default dispositions for every signal the
// handler took, before the child's own signal mask opens them.
void reset_in_child();

}  // namespace clawinit::signal_relay
