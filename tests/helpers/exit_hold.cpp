// LD_PRELOAD shim for the tests: holds clawinit at its _exit until the test has looked.
//
// "No process left" must be checked while clawinit is still alive: once PID 1 of a namespace
// exits, the kernel kills everything left in it, and once a subreaper exits, its leftovers are
// reparented away, so a look afterwards always finds nothing (it did, and that hid a clawinit
// that did not clean up). With TEST_EXIT_HOLD=PATH in its environment, the process writes
// PATH.exiting (its exit code) when it calls _exit and waits for PATH.release to appear (at
// most 10 minutes), then exits; the test lists clawinit's descendants in between.
//
// Only a process named clawinit holds; it removes the variable from its environment at load,
// so the children it spawns (who inherit LD_PRELOAD) are never held, and a child forked but not
// yet exec'd is not either.
#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

namespace {

std::string& hold_path() {
    static std::string path;
    return path;
}

pid_t g_holder = 0;  // only this process holds: a forked child that fails its exec does not

__attribute__((constructor)) void take_hold_path() {
    // Only clawinit itself: the shim is loaded by whatever starts it too (unshare, a shell),
    // which must pass the variable on untouched.
    if (std::strcmp(program_invocation_short_name, "clawinit") != 0) return;
    if (const char* path = std::getenv("TEST_EXIT_HOLD"); path != nullptr && *path != '\0') {
        hold_path() = path;
        g_holder = getpid();
        unsetenv("TEST_EXIT_HOLD");
    }
}

void hold(int code) {
    const std::string& path = hold_path();
    if (path.empty() || getpid() != g_holder) return;
    const std::string exiting = path + ".exiting";
    const int fd = open(exiting.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        const std::string text = std::to_string(code) + "\n";
        ssize_t ignored = write(fd, text.data(), text.size());
        (void)ignored;
        close(fd);
    }
    const std::string release = path + ".release";
    for (int i = 0; i < 10 * 60 * 200 && access(release.c_str(), F_OK) != 0; ++i) {
        const timespec five_ms{0, 5'000'000};
        nanosleep(&five_ms, nullptr);
    }
}

}  // namespace

extern "C" [[noreturn]] void _exit(int code) {
    hold(code);
    using Exit = void (*)(int);
    static const auto real = reinterpret_cast<Exit>(dlsym(RTLD_NEXT, "_exit"));
    real(code);
    __builtin_unreachable();
}
