#include <doctest/doctest.h>
#include <signal.h>

#include <initializer_list>

#include "core/signal_origin.hpp"

using clawinit::self_caused_signal;
using clawinit::SignalOrigin;

TEST_CASE("the kernel's signal for our own write looks sent by us, and is ours") {
    // Measured: write() to a closed pipe and past RLIMIT_FSIZE queue SIGPIPE / SIGXFSZ with
    // ssi_code SI_USER (0) and ssi_pid = the writer's own pid.
    CHECK(self_caused_signal(SIGPIPE, SignalOrigin{SI_USER, 1}, 1));
    CHECK(self_caused_signal(SIGXFSZ, SignalOrigin{SI_USER, 1}, 1));
    CHECK(self_caused_signal(SIGPIPE, SignalOrigin{SI_USER, 4242}, 4242));
}

TEST_CASE("a signal another process sent is the operator's, whatever its number") {
    CHECK_FALSE(self_caused_signal(SIGPIPE, SignalOrigin{SI_USER, 77}, 1));
    // From outside our PID namespace (docker kill, the host) the sender pid reads 0.
    CHECK_FALSE(self_caused_signal(SIGPIPE, SignalOrigin{SI_USER, 0}, 1));
    CHECK_FALSE(self_caused_signal(SIGXFSZ, SignalOrigin{SI_USER, 0}, 1));
    CHECK_FALSE(self_caused_signal(SIGHUP, SignalOrigin{SI_USER, 9}, 1));
    CHECK_FALSE(self_caused_signal(SIGPIPE, SignalOrigin{SI_QUEUE, 9}, 1));
    CHECK_FALSE(self_caused_signal(SIGPIPE, SignalOrigin{SI_TKILL, 9}, 1));
}

TEST_CASE("kernel-raised signals: ours only where our own call raised them") {
    for (int signo : {SIGPIPE, SIGXFSZ, SIGXCPU, SIGTTIN, SIGTTOU}) {
        CAPTURE(signo);
        CHECK(self_caused_signal(signo, SignalOrigin{SI_KERNEL, 0}, 1));
    }
    // A terminal hangup or a window change is news from outside: forwarded.
    for (int signo : {SIGHUP, SIGWINCH, SIGINT, SIGTERM, SIGCONT}) {
        CAPTURE(signo);
        CHECK_FALSE(self_caused_signal(signo, SignalOrigin{SI_KERNEL, 0}, 1));
    }
}
