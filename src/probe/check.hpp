// --ready-check / --live-check: a periodic, asynchronous probe of the child from clawinit's own
// event loop. Every round has its own deadline, so a target that hangs costs one pending
// socket or process, never a delayed signal, reap or probe answer.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/endpoint.hpp"
#include "probe/check_pace.hpp"

namespace clawinit {

class Check {
public:
    using Report = std::function<void(bool pass, std::string detail)>;
    // exec: checks start a process through the runtime (whose reaper owns waitpid) and learn
    // its end through on_process_exit().
    struct ExecHooks {
        std::function<int(const std::vector<std::string>& argv)> spawn;  // pid, or -errno
        std::function<void(int pid)> kill;
    };

    // `target` is as the config parsed it: nothing here can fail on it.
    // not_ready_interval: the follow_readiness cadence's short wait (check_pace.hpp).
    Check(boost::asio::io_context& io, CheckTarget target, Duration interval, Duration timeout,
          Report report, ExecHooks hooks, Cadence cadence = Cadence::steady,
          Duration not_ready_interval = Duration::max());
    ~Check();

    void start();  // first round now, then as the cadence says
    void stop();   // abandon the round in flight; no more reports
    // The supervisor watches for a change (a pending restart): short waits between rounds,
    // and a long wait already under way is cut short.
    void hurry(bool on);
    // true when `pid` was this check's process (its result has then been reported).
    bool on_process_exit(int pid, int wait_status);

private:
    struct Round;
    void begin_round();
    void finish(const std::shared_ptr<Round>& round, bool pass, std::string detail);
    void on_deadline(const std::shared_ptr<Round>& round, const boost::system::error_code& ec);
    // The network round's steps, in order.
    void run_network(const std::shared_ptr<Round>& round);
    void on_connect(const std::shared_ptr<Round>& round, const boost::system::error_code& ec);
    void on_head(const std::shared_ptr<Round>& round, const boost::system::error_code& ec);
    void run_exec(const std::shared_ptr<Round>& round);
    void arm_tick(Duration delay);

    boost::asio::io_context& m_io;
    CheckTarget m_target;
    Duration m_timeout;
    Report m_report;
    ExecHooks m_hooks;
    boost::asio::steady_timer m_tick;
    std::shared_ptr<Round> m_round;
    bool m_running{false};
    bool m_waiting{false};  // the tick is armed and no round is in flight
    CheckPace m_pace;       // when the next round starts (check_pace.hpp)
};

}  // namespace clawinit
