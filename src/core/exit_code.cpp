#include "core/exit_code.hpp"

#include <sys/wait.h>

#include <cerrno>

namespace clawinit {

int exit_code_from_wait_status(int wait_status) {
    if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
    return -1;
}

int exec_failure_exit_code(int error_number) {
    // A shell says 127 for "not found" and 126 for "found but not runnable"; scripts and
    // orchestrators already know that convention, so we keep it.
    switch (error_number) {
        case ENOENT:
        case ENOTDIR:
        case ENAMETOOLONG:
        case ELOOP:
            return 127;
        default:
            return 126;
    }
}

int remap_exit_code(int code, const std::map<int, int>& remap) {
    auto it = remap.find(code);
    return it == remap.end() ? code : it->second;
}

bool is_transient_spawn_error(int error_number) {
    return error_number == EMFILE || error_number == ENFILE || error_number == EAGAIN ||
           error_number == ENOMEM;
}

}  // namespace clawinit
