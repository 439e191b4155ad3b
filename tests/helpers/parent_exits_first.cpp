// LD_PRELOAD shim for the fault suite: the parent dies while clawinit is still starting, just
// before clawinit calls prctl(PR_SET_PDEATHSIG). The kernel only signals a parent death that
// comes after that call, so this one must be caught by clawinit's getppid() check. It makes a
// race that is hard to time (a parent exiting during the few milliseconds of clawinit's start)
// happen every time.
#include <dlfcn.h>
#include <signal.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <cstdarg>

extern "C" int prctl(int option, ...) {
    va_list ap;
    va_start(ap, option);
    unsigned long a[4];
    for (unsigned long& arg : a) arg = va_arg(ap, unsigned long);
    va_end(ap);
    if (option == PR_SET_PDEATHSIG && a[0] != 0) {
        const pid_t parent = ::getppid();
        ::kill(parent, SIGKILL);
        // Until the kernel has reparented us (at most 10 s).
        const timespec tick{0, 1000000};
        for (int i = 0; i < 10000 && ::getppid() == parent; ++i) ::nanosleep(&tick, nullptr);
    }
    using Prctl = int (*)(int, ...);
    static const auto real = reinterpret_cast<Prctl>(dlsym(RTLD_NEXT, "prctl"));
    return real(option, a[0], a[1], a[2], a[3]);
}
