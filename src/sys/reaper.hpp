// Zombie reaping. SIGCHLDs coalesce, so one signal may stand for many exits: we loop
// waitpid(-1, WNOHANG) until the kernel has nothing more to give.
#pragma once

#include <cstdint>
#include <functional>

namespace clawinit {

struct ReapResult {
    std::uint64_t reaped{0};
    bool no_children{false};  // ECHILD: no process is left below clawinit
    bool more{false};         // stopped at the limit: there may be more to reap
};

// Calls on_exit(pid, wait_status) for each reaped process, at most `limit` of them, so an
// exit storm is reaped in slices the event loop can interleave with signals and probes.
ReapResult reap_all(const std::function<void(int pid, int wait_status)>& on_exit,
                    std::uint64_t limit);

}  // namespace clawinit
