/* httpref PORT: the smallest keep-alive HTTP responder we could write (one thread, epoll, one
 * fixed 200 answer per request head), so the probe row can say what this machine's loopback
 * TCP and wrk allow at all, next to what clawinit's probe server gets. Not a server: no parser,
 * no limits, no timeouts; it serves the benchmark for a few seconds and is killed. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static const char k_answer[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n"
    "{\"status\":\"ok\"}\n";

/* Answers every complete request head in the bytes just read; 0 when the peer is gone. */
static int serve(int fd) {
    char buffer[16384];
    const ssize_t got = read(fd, buffer, sizeof buffer);
    if (got <= 0) return got < 0 && errno == EAGAIN;
    int heads = 0;
    for (ssize_t i = 3; i < got; ++i)
        if (memcmp(buffer + i - 3, "\r\n\r\n", 4) == 0) ++heads;
    for (int i = 0; i < heads; ++i)
        if (write(fd, k_answer, sizeof k_answer - 1) < 0) return 0;
    return 1;
}

int main(int argc, char** argv) {
    if (argc != 2) {
        fputs("usage: httpref PORT\n", stderr);
        return 2;
    }
    const int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET,
                                  .sin_port = htons(atoi(argv[1])),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(listener, (struct sockaddr*)&address, sizeof address) != 0 ||
        listen(listener, 1024) != 0) {
        perror("httpref: bind/listen");
        return 2;
    }
    const int poller = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event event = {.events = EPOLLIN, .data.fd = listener};
    epoll_ctl(poller, EPOLL_CTL_ADD, listener, &event);
    struct epoll_event ready[128];
    for (;;) {
        const int n = epoll_wait(poller, ready, 128, -1);
        for (int i = 0; i < n; ++i) {
            const int fd = ready[i].data.fd;
            if (fd == listener) {
                int client;
                while ((client = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >=
                       0) {
                    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct epoll_event add = {.events = EPOLLIN, .data.fd = client};
                    epoll_ctl(poller, EPOLL_CTL_ADD, client, &add);
                }
            } else if (!serve(fd)) {
                close(fd);
            }
        }
    }
}
