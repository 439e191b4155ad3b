// The thin shell around the Supervisor: one thread, one io_context. It turns the signalfd,
// the one deadline timer and waitpid() into events, and carries out the actions the
// Supervisor returns (spawn, kill, arm timer, exit). No decision is made here.
#pragma once

#include <signal.h>

#include <cstdint>
#include <deque>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "config/config.hpp"
#include "core/supervisor.hpp"
#include "sys/fd.hpp"
#include "sys/spawn.hpp"

namespace clawinit {

class Runtime {
public:
    Runtime(const Config& config, sigset_t child_mask, std::optional<UserIds> user);

    // Runs until the Supervisor says Exit; returns the exit code.
    int run();

    boost::asio::io_context& io() { return m_io; }
    const Supervisor& supervisor() const { return m_supervisor; }
    std::uint64_t zombies_reaped() const { return m_zombies_reaped; }

private:
    void dispatch(Event event);
    void execute(const Action& action);
    void do_read_signals();
    void on_signals(const boost::system::error_code& ec);
    void on_timer(const boost::system::error_code& ec);
    void reap();

    boost::asio::io_context m_io{1};
    boost::asio::posix::stream_descriptor m_signals;
    boost::asio::steady_timer m_timer;
    Supervisor m_supervisor;
    SpawnSpec m_spawn;
    std::deque<Event> m_queue;
    bool m_dispatching{false};
    std::optional<int> m_exit_code;
    std::uint64_t m_zombies_reaped{0};
};

}  // namespace clawinit
