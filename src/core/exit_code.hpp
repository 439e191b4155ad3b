// How a child's end becomes clawinit's exit code (README "Behaviour": Exit code):
// the child's own code, 128+N when signal N killed it, exec failures like a shell (127/126),
// then the operator's --remap-exit table.
#pragma once

#include <map>

namespace clawinit {

// `wait_status` is what waitpid() stored; a stopped/continued status is not an exit and maps
// to -1 so a caller cannot mistake it for one.
int exit_code_from_wait_status(int wait_status);

// 127 when the command does not exist, 126 when it exists but cannot be executed.
int exec_failure_exit_code(int error_number);

int remap_exit_code(int code, const std::map<int, int>& remap);

// True for spawn errors that pass by themselves (EMFILE, ENFILE, EAGAIN, ENOMEM): clawinit
// ran out of descriptors, processes or memory, which says nothing about the command.
bool is_transient_spawn_error(int error_number);

}  // namespace clawinit
