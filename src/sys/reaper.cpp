#include "sys/reaper.hpp"

#include <sys/wait.h>

#include <cerrno>

namespace clawinit {

ReapResult reap_all(const std::function<void(int pid, int wait_status)>& on_exit,
                    std::uint64_t limit) {
    ReapResult result;
    for (;;) {
        if (result.reaped == limit) {
            result.more = true;
            return result;
        }
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            ++result.reaped;
            on_exit(pid, status);
            continue;
        }
        if (pid < 0 && errno == EINTR) continue;
        result.no_children = pid < 0 && errno == ECHILD;
        return result;
    }
}

}  // namespace clawinit
