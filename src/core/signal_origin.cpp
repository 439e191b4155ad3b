#include "core/signal_origin.hpp"

#include <signal.h>

namespace clawinit {

bool self_caused_signal(int signo, SignalOrigin origin, int own_pid) {
    if (origin.code == SI_USER) return origin.sender_pid == own_pid;
    if (origin.code != SI_KERNEL) return false;
    switch (signo) {
        case SIGPIPE:
        case SIGXFSZ:
        case SIGXCPU:
        case SIGTTIN:
        case SIGTTOU:
            return true;
        default:
            return false;
    }
}

}  // namespace clawinit
