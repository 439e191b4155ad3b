#include "core/forwarding.hpp"

namespace clawinit {

namespace {

SignalRoute route_for(const Config& config, int signo, Target target) {
    const auto it = config.rewrite.find(signo);
    const int send = it == config.rewrite.end() ? signo : it->second;
    // The kind is decided before the rewrite: a SIGTERM rewritten to SIGQUIT is still a stop.
    if (signo == SIGCHLD) return {SignalKind::reap, 0, target};
    if (is_stop_signal(signo)) return {SignalKind::stop, send, target};
    if (config.is_restart_signal(signo)) return {SignalKind::restart, send, target};
    return {send == 0 ? SignalKind::drop : SignalKind::forward, send, target};
}

}  // namespace

ForwardingTable::ForwardingTable(const Config& config)
    : m_target(config.kill_scope == KillScope::group ? Target::group : Target::child) {
    for (int signo = 1; signo < NSIG; ++signo)
        m_routes[static_cast<std::size_t>(signo)] = route_for(config, signo, m_target);
}

}  // namespace clawinit
