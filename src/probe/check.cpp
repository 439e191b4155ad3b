#include "probe/check.hpp"

#include <fmt/format.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "probe/http_client.hpp"

namespace clawinit {

namespace asio = boost::asio;

// One attempt. Handlers hold it alive; `done` makes the first outcome (result or deadline) the
// only one reported.
struct Check::Round {
    explicit Round(asio::io_context& io) : deadline(io) {}
    void close() {
        if (http) http->close();
    }
    std::optional<HttpClient> http;  // tcp and http checks
    asio::steady_timer deadline;
    int pid{0};  // exec checks
    bool done{false};
};

Check::Check(asio::io_context& io, CheckTarget target, Duration interval, Duration timeout,
             Report report, ExecHooks hooks, Cadence cadence, Duration not_ready_interval)
    : m_io(io),
      m_target(std::move(target)),
      m_timeout(timeout),
      m_report(std::move(report)),
      m_hooks(std::move(hooks)),
      m_tick(io),
      m_pace(cadence, interval, not_ready_interval) {}

Check::~Check() {
    stop();
}

void Check::start() {
    stop();
    m_running = true;
    m_pace.restart();
    begin_round();
}

void Check::stop() {
    m_running = false;
    m_waiting = false;
    m_tick.cancel();
    if (!m_round) return;
    auto round = std::exchange(m_round, nullptr);
    round->done = true;
    round->deadline.cancel();
    round->close();
    if (round->pid > 0) m_hooks.kill(round->pid);
}

void Check::hurry(bool on) {
    // Only a wait between chained rounds is cut: a round in flight re-arms from finish().
    if (m_pace.set_hurry(on) && m_running && m_waiting &&
        m_tick.expiry() > std::chrono::steady_clock::now() + m_pace.wait())
        arm_tick(m_pace.wait());
}

void Check::arm_tick(Duration delay) {
    m_waiting = m_pace.chained();
    m_tick.expires_after(delay);  // cancels a wait already armed
    m_tick.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        m_waiting = false;
        begin_round();
    });
}

void Check::begin_round() {
    if (!m_running) return;
    m_round = std::make_shared<Round>(m_io);
    auto round = m_round;
    // Ready rounds are chained from finish(), so they never overlap (a round may take up to
    // the timeout, longer than the short wait); steady rounds keep the interval from start
    // to start. A round still in flight when the next begins was already reported as timed out.
    if (!m_pace.chained()) arm_tick(m_pace.interval());
    round->deadline.expires_after(m_timeout);
    round->deadline.async_wait(
        [this, round](const boost::system::error_code& ec) { on_deadline(round, ec); });
    if (m_target.kind == CheckKind::exec)
        run_exec(round);
    else
        run_network(round);
}

void Check::on_deadline(const std::shared_ptr<Round>& round, const boost::system::error_code& ec) {
    if (ec || round->done) return;
    if (round->pid > 0) m_hooks.kill(round->pid);
    round->close();
    finish(round, false, fmt::format("no answer within {}ms", m_timeout.count()));
}

void Check::finish(const std::shared_ptr<Round>& round, bool pass, std::string detail) {
    if (round->done) return;
    round->done = true;
    round->deadline.cancel();
    round->close();
    if (!m_running) return;
    if (m_pace.chained() && round == m_round) arm_tick(m_pace.after_round(pass));
    m_report(pass, std::move(detail));
}

// tcp: connect, and that is the answer. http: connect, write a GET, read the answer's head;
// a 2xx or 3xx status passes. Each step is reached only if the round is still undecided.
void Check::run_network(const std::shared_ptr<Round>& round) {
    round->http.emplace(m_io, m_target.address, m_target.path, "clawinit-check");
    round->http->connect(
        [this, round](const boost::system::error_code& ec) { on_connect(round, ec); });
}

void Check::on_connect(const std::shared_ptr<Round>& round, const boost::system::error_code& ec) {
    if (round->done) return;
    if (ec) return finish(round, false, "connect: " + ec.message());
    if (m_target.kind == CheckKind::tcp) return finish(round, true, "connected");
    round->http->request_head(
        [this, round](const boost::system::error_code& hec) { on_head(round, hec); });
}

void Check::on_head(const std::shared_ptr<Round>& round, const boost::system::error_code& ec) {
    if (round->done) return;
    if (ec) return finish(round, false, fmt::format("{}: {}", round->http->stage(), ec.message()));
    const unsigned status = round->http->status();
    finish(round, status >= 200 && status < 400, fmt::format("HTTP {}", status));
}

void Check::run_exec(const std::shared_ptr<Round>& round) {
    const int pid = m_hooks.spawn(m_target.argv);
    if (pid < 0) return finish(round, false, fmt::format("exec: {}", std::strerror(-pid)));
    round->pid = pid;
}

bool Check::on_process_exit(int pid, int wait_status) {
    if (!m_round || m_round->pid != pid) return false;
    auto round = m_round;
    round->pid = 0;
    const bool pass = WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
    finish(round, pass,
           WIFEXITED(wait_status) ? fmt::format("exit code {}", WEXITSTATUS(wait_status))
                                  : fmt::format("killed by signal {}", WTERMSIG(wait_status)));
    return true;
}

}  // namespace clawinit
