/* stamp FILE [COMMAND [ARG...]]: append this moment's CLOCK_MONOTONIC (ns) to FILE as one line,
 * then exec COMMAND (or exit 0 without one).
 *
 * The benchmark's probe for "the child has been exec'd": the first thing a program does in main
 * is as close to its exec as user space gets. Built static by bench/bench.py so that its own
 * exec costs the same tiny amount under every init. FILE may be a FIFO the benchmark reads. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (argc < 2) {
        fputs("usage: stamp FILE [COMMAND [ARG...]]\n", stderr);
        return 2;
    }
    char line[32];
    const int len =
        snprintf(line, sizeof line, "%lld\n", (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
    const int fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, line, (size_t)len) != len) {
        perror(argv[1]);
        return 2;
    }
    close(fd);
    if (argc == 2) return 0;
    execvp(argv[2], argv + 2);
    fprintf(stderr, "stamp: exec %s: %s\n", argv[2], strerror(errno));
    return 127;
}
