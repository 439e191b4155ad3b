// The thin shell around the Supervisor: one thread, one io_context. It turns the signalfd,
// the one deadline timer and waitpid() into events, and carries out the actions the
// Supervisor returns (spawn, kill, arm timer, exit). No decision is made here: where a signal
// goes is the Supervisor's forwarding table (core/forwarding.hpp), which the fast path in
// take_signals() only indexes, and how a Kill is carried out (fallbacks included) is
// core/forwarding.hpp's too.
#pragma once

#include <signal.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>

#include "config/config.hpp"
#include "core/supervisor.hpp"
#include "probe/check.hpp"
#include "probe/server.hpp"
#include "probe/snapshot.hpp"
#include "runtime/notifier.hpp"
#include "state/state.hpp"
#include "sys/fd.hpp"
#include "sys/spawn.hpp"

namespace clawinit {

class Runtime {
public:
    // Longest a signal can wait for the loop to look at the signalfd while handlers run back
    // to back (a probe load); beside a one-way wake-up of the child (~50-100 µs) it is noise.
    static constexpr std::chrono::microseconds k_signal_check{20};
    // Processes reaped per loop pass: 10 000 orphans exiting at once take many passes, and
    // signals and probe answers get their turn in between.
    static constexpr std::uint64_t k_reap_slice = 256;

    Runtime(const Config& config, sigset_t child_mask, std::optional<UserIds> user);
    ~Runtime();

    // Runs until the Supervisor says Exit; returns the exit code.
    int run();

    const Supervisor& supervisor() const { return m_supervisor; }
    ProbeSnapshot snapshot() const;
    std::string final_status(int exit_code) const;  // what `stop --wait` is told at exit

private:
    void dispatch(Event event);
    void execute(const Action& action);
    void send_kill(const Kill& kill);
    void do_read_signals();
    void on_signals(const boost::system::error_code& ec);
    void take_signals();  // reads the signalfd (non-blocking) and handles what it holds
    void on_timer(const boost::system::error_code& ec);
    void reap();
    void follow_child();  // start/stop the checks as the child comes and goes
    std::unique_ptr<Check> make_check(const CheckTarget& target, CheckKindOf kind);
    int spawn_check_process(const std::vector<std::string>& argv);
    void request_save();
    void save_now();
    void watch_log_output();  // lines wait for stderr: flush them once it takes more

    Config m_config;
    boost::asio::io_context m_io{1};
    boost::asio::posix::stream_descriptor m_signals;
    boost::asio::steady_timer m_timer;
    Supervisor m_supervisor;
    SpawnSpec m_spawn;
    std::deque<Event> m_queue;
    bool m_dispatching{false};
    std::optional<int> m_exit_code;
    std::uint64_t m_zombies_reaped{0};
    bool m_reap_posted{false};  // a reap slice is queued behind other handlers
    bool m_childless{false};    // the last waitpid() said ECHILD and nothing was spawned since
    Time m_last_signal_check{};
    int m_own_pid{::getpid()};        // self_caused_signal() compares senders with it
    std::uint64_t m_self_signals{0};  // SIGPIPE/SIGXFSZ/... our own syscalls raised, not forwarded
    Time m_started_at{Clock::now()};
    std::optional<boost::asio::posix::stream_descriptor> m_log_fd;  // waited on, never read
    boost::asio::steady_timer m_log_retry;  // for a log output the loop cannot wait on
    bool m_log_watched{false};
    std::unique_ptr<ProbeServer> m_probe;
    std::unique_ptr<Notifier> m_notifier;  // sd_notify, when NOTIFY_SOCKET is set
    std::unique_ptr<Check> m_ready_check;
    std::unique_ptr<Check> m_live_check;
    int m_checked_pid{0};    // the child the checks are following
    PersistedState m_state;  // as loaded at start (counts of earlier boots), then as saved
    PersistedState m_boot_base;
    std::uint64_t m_restarts_seen{0};
    bool m_save_pending{false};
    std::string m_last_save_error;
    std::optional<double> m_last_save_seconds;
};

}  // namespace clawinit
