#include "sys/signals.hpp"

#include <sys/signalfd.h>

#include <cerrno>
#include <system_error>

namespace clawinit {

namespace {

constexpr int k_fault_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS};

sigset_t blocked_set() {
    sigset_t set;
    sigfillset(&set);  // glibc leaves out its own internal signals (cancellation, setxid)
    for (int signo : k_fault_signals) sigdelset(&set, signo);
    return set;
}

}  // namespace

sigset_t block_signals() {
    const sigset_t set = blocked_set();
    sigset_t original;
    if (sigprocmask(SIG_BLOCK, &set, &original) != 0)
        throw std::system_error(errno, std::generic_category(), "sigprocmask");
    return original;
}

Fd open_signalfd() {
    const sigset_t set = blocked_set();
    Fd fd{signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)};
    if (!fd) throw std::system_error(errno, std::generic_category(), "signalfd");
    return fd;
}

std::vector<ReceivedSignal> read_signals(int signal_fd) {
    std::vector<ReceivedSignal> signals;
    signalfd_siginfo infos[64];
    for (;;) {
        const ssize_t n = ::read(signal_fd, infos, sizeof infos);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // EAGAIN: drained
        const auto count = static_cast<std::size_t>(n) / sizeof(signalfd_siginfo);
        for (std::size_t i = 0; i < count; ++i)
            signals.push_back(ReceivedSignal{
                static_cast<int>(infos[i].ssi_signo),
                SignalOrigin{infos[i].ssi_code, static_cast<int>(infos[i].ssi_pid)}});
        if (count < std::size(infos)) break;
    }
    return signals;
}

}  // namespace clawinit
