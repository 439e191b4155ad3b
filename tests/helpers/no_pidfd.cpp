// LD_PRELOAD shim: pidfd_open(2) fails with ENOSYS, as on kernels before 5.3, under a seccomp
// profile that does not allow it, or under valgrind 3.19. Boost.Process v2 opens a pidfd for
// every child it launches; clawinit must not depend on it (its reaper uses waitpid alone).
#include <dlfcn.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstdarg>

extern "C" long syscall(long number, ...) {
    va_list ap;
    va_start(ap, number);
    long a[6];
    for (long& arg : a) arg = va_arg(ap, long);
    va_end(ap);
    if (number == SYS_pidfd_open) {
        errno = ENOSYS;
        return -1;
    }
    using Syscall = long (*)(long, ...);
    static const auto real = reinterpret_cast<Syscall>(dlsym(RTLD_NEXT, "syscall"));
    return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
