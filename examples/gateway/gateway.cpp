// example-gateway: a stand-in for an OpenClaw 2026.3.11 gateway, bundled with clawinit so the
// whole lifecycle can be demonstrated and tested without the real product. It follows the
// 2026.3.11 contract: SIGTERM = close the listener, finish in-flight requests, exit 0;
// SIGUSR1 = save state, release the port, exit 1 so the supervisor starts a fresh process.
// `--mode 2026.9` follows the current gateway instead (see examples/gateway/README.md):
// listens only after --listen-after, /readyz 503 until --ready-after, SIGUSR2 = restart
// (exit 0 with OPENCLAW_SUPERVISOR_MODE=external, in-process otherwise), SIGUSR1 = nothing
// but a log line (Node opens its inspector), every unknown path 200 HTML.
//
// Single-threaded: one poll() loop over a self-pipe (signals), the listener and the open
// connections. Only POSIX and the standard library, so it links statically into a
// FROM-scratch image next to clawinit.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Bounds how long one slow or idle client can hold up a graceful stop.
constexpr milliseconds k_io_timeout{2000};
constexpr std::size_t k_max_request = 8192;
constexpr std::size_t k_max_connections = 256;
constexpr const char* k_state_file = "gateway-state.json";

struct Options {
    std::string host = "0.0.0.0";
    int port = 8888;
    std::string state_dir = "/tmp/gateway-state";
    milliseconds ready_after{0};
    milliseconds stop_delay{0};
    bool openclaw_2026_9{false};  // --mode 2026.9
    milliseconds listen_after{0};
};

struct Connection {
    int fd = -1;
    std::string in;
    std::string out;
    std::size_t sent = 0;
    Clock::time_point deadline;
};

int g_signal_pipe_write = -1;

// One write() per line, so lines from several processes sharing stderr never interleave.
void log_line(const std::string& text) {
    const std::string line = "gateway: " + text + "\n";
    ssize_t ignored = write(STDERR_FILENO, line.data(), line.size());
    (void)ignored;
}

std::string errno_text() {
    return std::strerror(errno);
}

// Everything a supervisor might forward is caught (and named in the log), so forwarding is
// observable; real-time signals are caught too and named SIGRTMIN+n.
constexpr std::pair<int, const char*> k_caught[] = {
    {SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"},   {SIGUSR1, "SIGUSR1"},
    {SIGUSR2, "SIGUSR2"}, {SIGALRM, "SIGALRM"}, {SIGTERM, "SIGTERM"},   {SIGCONT, "SIGCONT"},
    {SIGURG, "SIGURG"},   {SIGPWR, "SIGPWR"},   {SIGWINCH, "SIGWINCH"},
};

std::string signal_name(int signo) {
    for (const auto& [number, name] : k_caught) {
        if (number == signo) return name;
    }
    return "SIGRTMIN+" + std::to_string(signo - SIGRTMIN);
}

// The handler only forwards the signal number to the loop: nothing else is async-signal-safe.
extern "C" void on_signal(int signo) {
    const int saved_errno = errno;
    const auto byte = static_cast<unsigned char>(signo);
    ssize_t ignored = write(g_signal_pipe_write, &byte, 1);
    (void)ignored;
    errno = saved_errno;
}

bool install_signal_handlers(int& read_end) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return false;
    read_end = fds[0];
    g_signal_pipe_write = fds[1];
    struct sigaction action {};
    action.sa_handler = on_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    for (const auto& [signo, name] : k_caught) sigaction(signo, &action, nullptr);
    for (int signo = SIGRTMIN; signo <= SIGRTMAX; ++signo) sigaction(signo, &action, nullptr);
    // A client that hangs up mid-response must cost an EPIPE, not the process.
    signal(SIGPIPE, SIG_IGN);
    return true;
}

// Accepts "250ms", "2s", "1m", or a bare number of seconds (the same grammar as clawinit).
std::optional<milliseconds> parse_duration(std::string_view text) {
    long value = 0;
    const auto [rest, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    const std::string_view unit(rest, static_cast<std::size_t>(text.data() + text.size() - rest));
    if (error != std::errc{} || value < 0 || value > 86'400'000) return std::nullopt;
    if (unit == "ms") return milliseconds(value);
    if (unit == "s" || unit.empty()) return milliseconds(value * 1000);
    if (unit == "m") return milliseconds(value * 60000);
    return std::nullopt;
}

[[noreturn]] void usage_error(const std::string& message) {
    log_line(message);
    log_line(
        "usage: example-gateway [--port N] [--host ADDR] [--state-dir DIR] "
        "[--ready-after D] [--stop-delay D] [--mode 2026.3|2026.9] [--listen-after D]");
    std::exit(2);
}

// Environment first, then flags, so a flag always wins (the clawinit precedence).
Options parse_options(int argc, char** argv) {
    Options options;
    auto apply = [&options](std::string_view key, const std::string& value) {
        if (key == "port") {
            const char* end = value.data() + value.size();
            const auto [rest, error] = std::from_chars(value.data(), end, options.port);
            if (error != std::errc{} || rest != end || options.port < 0 || options.port > 65535) {
                usage_error("bad port: " + value);
            }
        } else if (key == "host") {
            options.host = value;
        } else if (key == "state-dir") {
            options.state_dir = value;
        } else if (key == "ready-after" || key == "stop-delay" || key == "listen-after") {
            auto duration = parse_duration(value);
            if (!duration) usage_error("bad duration for --" + std::string(key) + ": " + value);
            (key == "ready-after"  ? options.ready_after
             : key == "stop-delay" ? options.stop_delay
                                   : options.listen_after) = *duration;
        } else if (key == "mode") {
            if (value != "2026.3" && value != "2026.9") usage_error("bad mode: " + value);
            options.openclaw_2026_9 = value == "2026.9";
        } else {
            usage_error("unknown option --" + std::string(key));
        }
    };
    for (auto [env, key] :
         {std::pair{"GATEWAY_PORT", "port"}, std::pair{"GATEWAY_HOST", "host"},
          std::pair{"GATEWAY_STATE_DIR", "state-dir"}, std::pair{"GATEWAY_MODE", "mode"}}) {
        if (const char* value = std::getenv(env); value != nullptr && *value != '\0')
            apply(key, value);
    }
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") usage_error("example OpenClaw-style gateway");
        if (!arg.starts_with("--")) usage_error("unexpected argument: " + std::string(arg));
        arg.remove_prefix(2);
        if (auto eq = arg.find('='); eq != std::string_view::npos) {
            apply(arg.substr(0, eq), std::string(arg.substr(eq + 1)));
        } else if (i + 1 < argc) {
            apply(arg, argv[++i]);
        } else {
            usage_error("missing value for --" + std::string(arg));
        }
    }
    return options;
}

void make_directories(const std::string& path) {
    for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
        mkdir(path.substr(0, slash).c_str(), 0755);
        if (slash == std::string::npos) return;
    }
}

// The file is our own output; a tolerant scan beats a JSON parser for one integer field.
long read_restart_count(const std::string& state_dir) {
    const std::string path = state_dir + "/" + k_state_file;
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    std::string text(4096, '\0');
    const ssize_t n = read(fd, text.data(), text.size());
    close(fd);
    text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    const auto key = text.find("\"restarts\"");
    const auto colon = key == std::string::npos ? key : text.find(':', key);
    if (colon == std::string::npos) {
        log_line("ignoring unreadable state file " + path);
        return 0;
    }
    return std::strtol(text.c_str() + colon + 1, nullptr, 10);
}

// Temp file, fsync, rename, fsync the directory: a crash leaves the old file or the new one,
// never a torn one.
bool save_state(const std::string& state_dir, long restarts) {
    const std::string path = state_dir + "/" + k_state_file;
    const std::string temp = path + ".tmp";
    const std::string body = "{\"restarts\":" + std::to_string(restarts) +
                             ",\"saved_at\":" + std::to_string(std::time(nullptr)) +
                             ",\"pid\":" + std::to_string(getpid()) + "}\n";
    const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        log_line("open " + temp + ": " + errno_text());
        return false;
    }
    const bool written =
        write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size()) && fsync(fd) == 0;
    const std::string write_error = errno_text();
    close(fd);
    if (!written || rename(temp.c_str(), path.c_str()) != 0) {
        log_line("save state " + path + ": " + (written ? errno_text() : write_error));
        unlink(temp.c_str());
        return false;
    }
    if (const int dir = open(state_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
        fsync(dir);
        close(dir);
    }
    return true;
}

// Returns the listening socket and the address it is bound to as "host:port" (the real port,
// so "--port 0" is usable by tests), or -1 and the reason.
std::pair<int, std::string> open_listener(const Options& options) {
    sockaddr_storage address{};
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
    const std::string host = options.host == "localhost" ? "127.0.0.1" : options.host;
    // sin_port and sin6_port share an offset; only the family and address differ.
    v4->sin_port = htons(static_cast<uint16_t>(options.port));
    if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
        address.ss_family = AF_INET;
    } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
        address.ss_family = AF_INET6;
    } else {
        return {-1, "not a numeric address"};
    }
    socklen_t length = address.ss_family == AF_INET ? sizeof(*v4) : sizeof(*v6);
    const int fd = socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int on = 1;
    // SO_REUSEADDR lets a restarted incarnation bind at once despite TIME_WAIT connections.
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
        bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 || listen(fd, 128) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        const std::string reason = errno_text();
        if (fd >= 0) close(fd);
        return {-1, reason};
    }
    const std::string shown = address.ss_family == AF_INET6 ? "[" + host + "]" : host;
    return {fd, shown + ":" + std::to_string(ntohs(v4->sin_port))};
}

struct ServerView {
    long uptime_seconds;
    long restarts;
    bool ready;
    bool stopping;
    bool openclaw_2026_9;
};

// The gateway's own probe paths. 2026.3.11 already serves /healthz and /readyz next to
// /health and /ready (GATEWAY_PROBE_STATUS_BY_PATH in the npm package's dist/gateway-cli-*.js);
// /startupz only in 2026.9 mode.
std::string_view canonical_path(std::string_view path, bool openclaw_2026_9) {
    if (path == "/healthz") return "/health";
    if (path == "/readyz") return "/ready";
    if (openclaw_2026_9 && path == "/startupz") return "/startup";
    return path;
}

// Request line -> complete response. No socket here, so the routing is trivial to reason about.
std::string respond(std::string_view request, const ServerView& view) {
    int status = 200;
    std::string body = "{\"ok\":true}";
    const auto line_end = request.find_first_of("\r\n");
    const std::string_view line = request.substr(0, line_end);
    const auto space1 = line.find(' ');
    const auto space2 = space1 == std::string_view::npos ? space1 : line.find(' ', space1 + 1);
    const std::string_view method = line.substr(0, space1);
    std::string_view path = space2 == std::string_view::npos
                                ? std::string_view{}
                                : line.substr(space1 + 1, space2 - space1 - 1);
    path = canonical_path(path.substr(0, path.find('?')), view.openclaw_2026_9);
    const bool known = path == "/status" || path == "/health" || path == "/ready" ||
                       (view.openclaw_2026_9 && path == "/startup");
    const char* content_type = "application/json";
    if (space2 == std::string_view::npos) {
        status = 400;
        body = "{\"error\":\"bad request\"}";
    } else if (!known && view.openclaw_2026_9) {
        // What makes `/` useless as a ready check on the real gateway: 200 for anything.
        content_type = "text/html";
        body = "<!doctype html><title>OpenClaw</title>";
    } else if (!known) {
        status = 404;
        body = "{\"error\":\"not found\"}";
    } else if (method != "GET" && method != "HEAD") {
        status = 405;
        body = "{\"error\":\"method not allowed\"}";
    } else if (path == "/status") {
        body = std::string("{\"status\":\"") + (view.stopping ? "stopping" : "running") +
               "\",\"uptime\":" + std::to_string(view.uptime_seconds) +
               ",\"pid\":" + std::to_string(getpid()) +
               ",\"restarts\":" + std::to_string(view.restarts) + "}";
    } else if ((path == "/ready" || path == "/startup") && (!view.ready || view.stopping)) {
        status = 503;
        body = std::string("{\"ok\":false,\"reason\":\"") +
               (view.stopping ? "stopping" : "starting") + "\"}";
    }
    const char* reason = status == 200   ? "OK"
                         : status == 404 ? "Not Found"
                         : status == 405 ? "Method Not Allowed"
                         : status == 503 ? "Service Unavailable"
                                         : "Bad Request";
    std::string response =
        "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Type: " + content_type +
        "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
    if (method != "HEAD") response += body;
    return response;
}

void accept_connections(int listener, std::vector<Connection>& connections) {
    for (;;) {
        const int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;  // EAGAIN: drained; anything else is the client's problem
        if (connections.size() >= k_max_connections) {
            close(fd);
            continue;
        }
        connections.push_back({fd, {}, {}, 0, Clock::now() + k_io_timeout});
    }
}

// Returns false when the connection is finished (answered, failed or hung up).
bool on_connection_ready(Connection& connection, const ServerView& view) {
    if (connection.out.empty()) {
        char buffer[2048];
        const ssize_t n = recv(connection.fd, buffer, sizeof(buffer), 0);
        if (n < 0) return errno == EAGAIN || errno == EINTR;
        if (n == 0) return false;
        connection.in.append(buffer, static_cast<std::size_t>(n));
        const bool complete = connection.in.find("\r\n\r\n") != std::string::npos ||
                              connection.in.find("\n\n") != std::string::npos;
        if (!complete && connection.in.size() < k_max_request) return true;
        connection.out = complete ? respond(connection.in, view) : respond("", view);
    }
    const ssize_t n = send(connection.fd, connection.out.data() + connection.sent,
                           connection.out.size() - connection.sent, MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EINTR;
    connection.sent += static_cast<std::size_t>(n);
    return connection.sent < connection.out.size();
}

int poll_timeout(const std::vector<Connection>& connections,
                 std::optional<Clock::time_point> stop_at) {
    std::optional<Clock::time_point> next = stop_at;
    for (const auto& connection : connections) {
        if (!next || connection.deadline < *next) next = connection.deadline;
    }
    if (!next) return -1;  // idle: no wakeups at all
    const auto wait = std::chrono::ceil<milliseconds>(*next - Clock::now()).count();
    return wait < 0 ? 0 : static_cast<int>(wait);
}

// Answers or times out every connection poll() reported on; fds[2 + i] belongs to connections[i].
void service_connections(std::vector<Connection>& connections, const std::vector<pollfd>& fds,
                         const ServerView& view) {
    std::vector<Connection> still_open;
    for (std::size_t i = 0; i < connections.size(); ++i) {
        Connection& connection = connections[i];
        const bool keep = fds[i + 2].revents == 0 ? Clock::now() < connection.deadline
                                                  : on_connection_ready(connection, view);
        if (keep) {
            still_open.push_back(std::move(connection));
        } else {
            close(connection.fd);
        }
    }
    connections = std::move(still_open);
}

// Drains the self-pipe and returns the first SIGTERM/SIGINT/SIGUSR1 (and SIGUSR2 in 2026.9
// mode; 0 if none). The whole
// batch is logged before anything is acted on: signals sent together arrive in no fixed order,
// and a forwarded SIGHUP must show up even when a SIGUSR1 came with it.
int read_signals(int signal_pipe, bool stopping, bool openclaw_2026_9) {
    unsigned char signals[64];
    const ssize_t count = read(signal_pipe, signals, sizeof(signals));
    int lifecycle = 0;
    for (ssize_t i = 0; i < count; ++i) {
        const int signo = signals[i];
        const bool is_lifecycle = signo == SIGTERM || signo == SIGINT || signo == SIGUSR1 ||
                                  (openclaw_2026_9 && signo == SIGUSR2);
        if (is_lifecycle && !stopping && lifecycle == 0) {
            lifecycle = signo;
        } else {
            log_line("got " + signal_name(signo) + (is_lifecycle ? " (already stopping)" : ""));
        }
    }
    return lifecycle;
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse_options(argc, argv);
    const auto started = Clock::now();
    int signal_pipe = -1;
    if (!install_signal_handlers(signal_pipe)) {
        log_line("pipe2: " + errno_text());
        return 1;
    }
    // After the handlers, on purpose: tests take the directory as the sign that a SIGTERM is
    // caught rather than fatal.
    make_directories(options.state_dir);
    long restarts = read_restart_count(options.state_dir);
    // The 2026.9.6 gateway loads for ~37 s (measured on 2 busy cores) before it listens: until
    // then a connect is refused.
    std::optional<Clock::time_point> listen_at = started + options.listen_after;
    int listener = -1;
    std::optional<Clock::time_point> stop_at;
    std::vector<Connection> connections;
    auto ready_from = started;  // an in-process restart starts the ready delay over
    for (;;) {
        if (listen_at && Clock::now() >= *listen_at && !stop_at) {
            listen_at.reset();
            auto [fd, where] = open_listener(options);
            if (fd < 0) {
                log_line("cannot listen on " + options.host + ":" + std::to_string(options.port) +
                         ": " + where);
                return 1;
            }
            listener = fd;
            // Under clawinit, name its pid too: restarts and stops are asked of the supervisor
            // (a signal sent to this pid directly is not a restart request, and exit 1
            // without one is a crash).
            const char* supervisor = std::getenv("CLAWINIT_PARENT");
            log_line("listening on " + where + " (pid " + std::to_string(getpid()) + ", restarts " +
                     std::to_string(restarts) + ")" +
                     (supervisor ? std::string("; restart or stop me through clawinit, pid ") +
                                       supervisor + ": kill -USR1 / kill -TERM " + supervisor
                                 : std::string()));
        }
        if (stop_at && Clock::now() >= *stop_at && connections.empty()) {
            log_line("stopped");
            return 0;
        }
        std::vector<pollfd> fds{{signal_pipe, POLLIN, 0}, {listener, POLLIN, 0}};
        for (const auto& connection : connections) {
            const short events = connection.out.empty() ? POLLIN : POLLOUT;
            fds.push_back({connection.fd, events, 0});
        }
        if (poll(fds.data(), fds.size(), poll_timeout(connections, stop_at ? stop_at : listen_at)) <
                0 &&
            errno != EINTR) {
            log_line("poll: " + errno_text());
            return 1;
        }
        // Taken after poll(), which may have slept for hours.
        const auto uptime = Clock::now() - started;
        const ServerView view{std::chrono::duration_cast<std::chrono::seconds>(uptime).count(),
                              restarts, Clock::now() - ready_from >= options.ready_after,
                              stop_at.has_value(), options.openclaw_2026_9};
        service_connections(connections, fds, view);
        if (listener >= 0 && (fds[1].revents & POLLIN)) accept_connections(listener, connections);

        const int lifecycle = (fds[0].revents & POLLIN) ? read_signals(signal_pipe, view.stopping,
                                                                       options.openclaw_2026_9)
                                                        : 0;
        if (options.openclaw_2026_9 && lifecycle == SIGUSR1) {
            // Node opens its inspector on SIGUSR1; nothing a gateway's users would notice.
            log_line("SIGUSR1: (Node would open its inspector here) nothing else happens");
            continue;
        }
        if (options.openclaw_2026_9 && lifecycle == SIGUSR2) {
            const char* mode = std::getenv("OPENCLAW_SUPERVISOR_MODE");
            if (mode != nullptr && std::string_view(mode) == "external") {
                log_line("SIGUSR2: saving state (restarts " + std::to_string(restarts + 1) +
                         ") and exiting 0 for the external supervisor to restart me");
                save_state(options.state_dir, restarts + 1);
                if (listener >= 0) close(listener);
                return 0;
            }
            log_line("SIGUSR2: restarting in process");
            save_state(options.state_dir, ++restarts);
            ready_from = Clock::now();
            continue;
        }
        if (lifecycle == SIGUSR1) {
            log_line("SIGUSR1: saving state (restarts " + std::to_string(restarts + 1) +
                     ") and exiting 1, the restart code: a supervisor that asked for this "
                     "restarts me, one that did not sees a crash");
            save_state(options.state_dir, restarts + 1);
            if (listener >= 0) close(listener);
            return 1;
        }
        if (lifecycle != 0) {
            log_line(signal_name(lifecycle) + ": graceful shutdown initiated");
            // Closing the listener releases the port now; accepted requests still finish.
            if (listener >= 0) close(listener);
            listener = -1;
            stop_at = Clock::now() + options.stop_delay;
        }
    }
}
