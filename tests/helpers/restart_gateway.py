"""A gateway with a readiness endpoint that the test steers, for the restart tests.

  restart_gateway.py PORT DIR [--down SECONDS]

Serves GET /readyz on 127.0.0.1:PORT: 200, or 503 while DIR/unready exists. Every request is
counted in DIR/hits (rewritten after each). SIGUSR2 restarts it IN PLACE, as OpenClaw does
without OPENCLAW_SUPERVISOR_MODE=external: the same process closes its port for --down seconds
(default 3), then listens again. Its pid goes to DIR/pid. SIGTERM exits 0.
A Python program, not testchild: what is observed here is clawinit's ready check over real
HTTP, not the child's signal handling, and a small server is clearer in Python.
"""
import os
import select
import signal
import socket
import sys
import time

port, state = int(sys.argv[1]), sys.argv[2]
down = float(sys.argv[sys.argv.index("--down") + 1]) if "--down" in sys.argv else 3.0
restart_at = [None]
signal.signal(signal.SIGUSR2, lambda *_: restart_at.__setitem__(0, time.monotonic()))
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
with open(os.path.join(state, "pid"), "w") as f:
    f.write(str(os.getpid()))
hits = 0


def listen():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(64)
    return s


server = listen()
while True:
    if restart_at[0] is not None:
        server.close()
        time.sleep(down)  # a signal during the sleep only moves restart_at
        restart_at[0] = None
        server = listen()
        with open(os.path.join(state, "restarted"), "a") as f:
            f.write("in place\n")
    try:
        readable, _, _ = select.select([server], [], [], 0.2)
    except InterruptedError:
        continue
    if not readable:
        continue
    conn, _ = server.accept()
    with conn:
        conn.settimeout(2)
        try:
            conn.recv(4096)
        except OSError:
            continue
        hits += 1
        with open(os.path.join(state, "hits.tmp"), "w") as f:
            f.write(str(hits))
        os.replace(os.path.join(state, "hits.tmp"), os.path.join(state, "hits"))
        ok = not os.path.exists(os.path.join(state, "unready"))
        status = b"200 OK" if ok else b"503 Service Unavailable"
        try:
            conn.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        except OSError:
            pass
