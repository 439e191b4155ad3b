// Zombie reaping. SIGCHLDs coalesce, so one signal may stand for many exits: we loop
// waitpid(-1, WNOHANG) until the kernel has nothing more to give.
#pragma once

#include <cstdint>
#include <functional>

namespace clawinit {

struct ReapResult {
    std::uint64_t reaped{0};
    bool no_children{false};  // ECHILD: no process is left below clawinit
};

// Calls on_exit(pid, wait_status) for each reaped process.
ReapResult reap_all(const std::function<void(int pid, int wait_status)>& on_exit);

}  // namespace clawinit
