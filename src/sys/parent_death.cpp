#include "sys/parent_death.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace clawinit {

bool parent_gone(pid_t parent_at_start, pid_t parent_now) {
    return parent_at_start != 0 && parent_now != parent_at_start;
}

bool set_parent_death_signal(int signal, pid_t parent_at_start) {
    if (::prctl(PR_SET_PDEATHSIG, static_cast<unsigned long>(signal)) != 0) {
        throw std::system_error(errno, std::generic_category(), "prctl(PR_SET_PDEATHSIG)");
    }
    // After the prctl, not before: a death between the two is then either signalled by the
    // kernel or seen here (possibly both; one stop signal more changes nothing).
    return parent_gone(parent_at_start, ::getppid());
}

}  // namespace clawinit
