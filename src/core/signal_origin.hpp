// Whose signal is it? Only signals a process sent (the operator's kill, sigqueue, tgkill) are
// forwarded; the ones the kernel raises because of clawinit's own system calls are errors of
// those calls and stay with clawinit (README "Behaviour": Signals).
#pragma once

namespace clawinit {

// What the signalfd tells about one signal besides its number.
struct SignalOrigin {
    int code{0};        // ssi_code: SI_USER, SI_KERNEL, SI_QUEUE, SI_TKILL, ...
    int sender_pid{0};  // ssi_pid as seen from clawinit's PID namespace (0: from outside it)
};

// True when clawinit caused `signo` itself:
//  - SI_USER from our own pid: the kernel's send_sig(sig, current, 0) for our own syscall
//    (SIGPIPE for a write to a closed pipe or socket, SIGXFSZ past RLIMIT_FSIZE) carries
//    SI_USER and the caller's pid; clawinit never kill()s itself, so nothing else looks so;
//  - SI_KERNEL SIGPIPE, SIGXFSZ, SIGXCPU (our own CPU limit), SIGTTIN, SIGTTOU (our own read
//    or write of a terminal while in the background): raised for the process that made the
//    call. Other SI_KERNEL signals (a terminal hangup's SIGHUP) are news from outside.
bool self_caused_signal(int signo, SignalOrigin origin, int own_pid);

}  // namespace clawinit
