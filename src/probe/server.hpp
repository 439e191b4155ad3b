// The probe server's sockets (Boost.Beast, in clawinit's one io_context). It only moves bytes:
// every answer comes from answer_probe() over a ProbeSnapshot taken when the request is
// complete. A client that misbehaves costs one bounded session, never a stalled loop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>

#include "config/config.hpp"
#include "config/endpoint.hpp"
#include "probe/snapshot.hpp"

namespace clawinit {

struct ProbeLimits {
    Duration read_timeout{std::chrono::seconds(5)};  // per request, headers included
    std::size_t max_connections{256};                // probe_connection_cap() at run time
    std::size_t header_limit{4096};                  // a probe request is a few hundred bytes
};

// Descriptors no probe connection may take, beyond those clawinit already holds: a spawn
// (exec-status pipe, pidfd), a state save (temp file, directory), the ready and live checks
// (a socket, or an exec check's pipe and pidfd, each), the leftover walk (/proc), and the
// one connection accepted before the oldest is dropped at the cap.
inline constexpr std::size_t k_probe_fd_reserve = 16;

// How many probe connections may be open: the descriptor limit (RLIMIT_NOFILE's soft limit,
// after clawinit has raised it) minus what is already open and the reserve, at most 256 and
// at least 1 (the kubelet must get in even at a tiny limit). A container started with
// `--ulimit nofile=32:32` and 200 clients connected must still spawn its restart at once.
std::size_t probe_connection_cap(std::uint64_t fd_limit, std::uint64_t fds_open);

class ProbeSession;

class ProbeServer {
public:
    using SnapshotSource = std::function<ProbeSnapshot()>;

    // Binds and listens at once (SO_REUSEADDR): a bind failure throws ConfigError, before the
    // child is spawned.
    ProbeServer(boost::asio::io_context& io, const IpEndpoint& address, SnapshotSource snapshot,
                ProbeLimits limits = {});
    ~ProbeServer();

    void start();
    void close();  // the listener and every open connection
    // At exit: stop accepting, answer every `GET /status?wait=exit` (what `clawinit stop
    // --wait` holds open) with `final_status`, close the rest. open_connections() then drops
    // to zero as the answers are written.
    void finish(const std::string& final_status);
    std::size_t open_connections() const { return m_sessions.size(); }
    // Whether a `GET /status?wait=exit` is held open: the final status is worth building.
    bool exit_awaited() const;

private:
    friend class ProbeSession;
    void do_accept();
    void on_accept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket);
    void forget(std::list<std::shared_ptr<ProbeSession>>::iterator where);
    void evict_one();

    // How long accepting pauses when accept() fails for want of descriptors or memory.
    static constexpr std::chrono::milliseconds k_accept_pause{100};

    boost::asio::ip::tcp::acceptor m_acceptor;
    boost::asio::steady_timer m_pause;
    bool m_accept_failing{false};  // logged once per spell of failures
    SnapshotSource m_snapshot;
    ProbeLimits m_limits;
    // Oldest first: at the connection cap the oldest session still waiting for a request is
    // dropped, so a slowloris crowd cannot lock out the kubelet.
    std::list<std::shared_ptr<ProbeSession>> m_sessions;
    bool m_closed{false};
};

}  // namespace clawinit
