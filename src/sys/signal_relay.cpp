#include "sys/signal_relay.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <system_error>

namespace clawinit::signal_relay {

namespace {

constexpr int k_fault_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS};

// A full ring only loses order, never a signal: the overflow keeps one of each (as the kernel
// does for standard signals anyway). 1024 is far more than a loop pass ever leaves queued.
constexpr std::uint32_t k_ring_size = 1024;

// Everything the handler touches. The loop runs on the same thread, so "atomic" here is about
// the handler interrupting the loop between two instructions; every type is lock-free.
DirectTable g_direct{};
bool g_group = false;
int g_event_fd = -1;
std::atomic<int> g_target{0};
std::atomic<std::uint32_t> g_undecided{0};  // queued entries the loop has not acted on
std::atomic<std::uint32_t> g_head{0};       // written by the handler
std::atomic<std::uint32_t> g_tail{0};       // written by the loop
std::atomic<std::uint64_t> g_lost_low{0};   // signals 1..63 that found the ring full
std::atomic<std::uint64_t> g_lost_high{0};  // 64 and up
Received g_ring[k_ring_size];

static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

sigset_t handled_set() {
    sigset_t set;
    sigfillset(&set);  // glibc leaves out its own internal signals (cancellation, setxid)
    for (int signo : k_fault_signals) sigdelset(&set, signo);
    sigdelset(&set, SIGKILL);
    sigdelset(&set, SIGSTOP);
    sigdelset(&set, SIGCHLD);
    return set;
}

void queue(int signo, int sent_as, int sent_to, int error) {
    const std::uint32_t head = g_head.load(std::memory_order_relaxed);
    if (head - g_tail.load(std::memory_order_relaxed) >= k_ring_size) {
        // Full. A signal already forwarded only goes missing from the log and the counters;
        // one the loop must decide on is kept once per signal number, out of order.
        if (sent_as != 0) return;
        auto& lost = signo < 64 ? g_lost_low : g_lost_high;
        const std::uint64_t bit = std::uint64_t{1} << (signo % 64);
        if ((lost.fetch_or(bit, std::memory_order_relaxed) & bit) == 0)
            g_undecided.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    if (sent_as == 0) g_undecided.fetch_add(1, std::memory_order_relaxed);
    g_ring[head % k_ring_size] = Received{signo, sent_as, sent_to, error};
    g_head.store(head + 1, std::memory_order_release);
}

void on_signal(int signo) {
    const int saved_errno = errno;
    int sent_as = 0;
    int error = 0;
    const int to_send = g_direct[static_cast<std::size_t>(signo)];
    const int pid = g_target.load(std::memory_order_relaxed);
    if (to_send != 0 && pid > 0 && g_undecided.load(std::memory_order_relaxed) == 0) {
        int rc = ::kill(g_group ? -pid : pid, to_send);
        // The child left its process group (its own setsid/setpgid): reach it directly.
        if (rc != 0 && g_group && errno == ESRCH) rc = ::kill(pid, to_send);
        sent_as = to_send;  // ESRCH too: it exited a moment ago, as for the loop's own kill
        error = rc == 0 ? 0 : errno;
    }
    queue(signo, sent_as, sent_as ? pid : 0, error);
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t ignored = ::write(g_event_fd, &one, sizeof one);
    errno = saved_errno;
}

}  // namespace

int install(const DirectTable& direct, bool group) {
    g_direct = direct;
    g_group = group;
    g_event_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (g_event_fd < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
    const sigset_t set = handled_set();
    struct sigaction action {};
    action.sa_handler = on_signal;
    action.sa_mask = set;  // one handler at a time: the ring has a single writer
    action.sa_flags = SA_RESTART;
    for (int signo = 1; signo < NSIG; ++signo) {
        if (sigismember(&set, signo) != 1) continue;
        if (::sigaction(signo, &action, nullptr) != 0)
            throw std::system_error(errno, std::generic_category(), "sigaction");
    }
    // Anything that arrived while blocked is handled right here, with no target: it is queued
    // for the loop, which sees it after Start, as it always did.
    if (::sigprocmask(SIG_UNBLOCK, &set, nullptr) != 0)
        throw std::system_error(errno, std::generic_category(), "sigprocmask");
    return g_event_fd;
}

void set_target(int pid) { g_target.store(pid, std::memory_order_relaxed); }

std::size_t take(std::vector<Received>& out) {
    std::uint64_t drained = 0;
    [[maybe_unused]] const ssize_t ignored = ::read(g_event_fd, &drained, sizeof drained);
    std::size_t undecided = 0;
    const std::uint32_t head = g_head.load(std::memory_order_acquire);
    for (std::uint32_t i = g_tail.load(std::memory_order_relaxed); i != head; ++i) {
        const Received& entry = g_ring[i % k_ring_size];
        if (entry.sent_as == 0) ++undecided;
        out.push_back(entry);
    }
    g_tail.store(head, std::memory_order_release);
    for (auto* lost : {&g_lost_low, &g_lost_high}) {
        const std::uint64_t bits = lost->exchange(0, std::memory_order_relaxed);
        for (int bit = 0; bit < 64; ++bit) {
            if ((bits >> bit & 1) == 0) continue;
            out.push_back(Received{lost == &g_lost_low ? bit : 64 + bit, 0, 0, 0});
            ++undecided;
        }
    }
    return undecided;
}

void decided(std::size_t count) {
    g_undecided.fetch_sub(static_cast<std::uint32_t>(count), std::memory_order_relaxed);
}

Hold::Hold() {
    const sigset_t set = handled_set();
    ::sigprocmask(SIG_BLOCK, &set, &m_previous);
}

Hold::~Hold() { ::sigprocmask(SIG_SETMASK, &m_previous, nullptr); }

void reset_in_child() {
    const sigset_t set = handled_set();
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    for (int signo = 1; signo < NSIG; ++signo)
        if (sigismember(&set, signo) == 1) ::sigaction(signo, &action, nullptr);
}

}  // namespace clawinit::signal_relay
