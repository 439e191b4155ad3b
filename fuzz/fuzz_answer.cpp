// libFuzzer target: the probe server's pure request -> response function. The input is
// "METHOD TARGET" (split at the first space), so the fuzzer explores both independently;
// every ProbeSnapshot field is exercised through a couple of input-derived variants.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "probe/answer.hpp"

using clawinit::ProbeSnapshot;

namespace {

ProbeSnapshot snapshot_for(std::uint8_t seed) {
    ProbeSnapshot s;
    s.status = clawinit::k_all_statuses[seed % clawinit::k_all_statuses.size()];
    if (seed & 2) s.reason = clawinit::Reason{clawinit::ReasonKind::graceful_shutdown};
    s.live = seed & 4;
    s.ready = seed & 8;
    s.started = seed & 16;
    s.uptime_seconds = (seed & 32) ? 1e18 : 0.5;
    s.child_pid = (seed & 64) ? 42 : 0;
    s.restarts = seed;
    if (seed & 128) s.last_exit = 137;
    s.forwarded = {{15, 1}, {64, 2}};
    s.exits = {{0, 1}, {255, 3}};
    s.zombies_reaped = 10000;
    if (seed & 1) s.last_stop_seconds = 1.25;
    if (seed & 2) s.dropped = {{{10, clawinit::DropReason::rewritten}, 7}};
    s.log_lines_dropped = seed;
    s.restart_signal = (seed & 4) ? 10 : 12;
    return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto space = input.find(' ');
    const std::string_view method = input.substr(0, space);
    const std::string_view target =
        space == std::string_view::npos ? std::string_view{} : input.substr(space + 1);
    const auto answer = clawinit::answer_probe(method, target, snapshot_for(size ? data[0] : 0));
    // What a client is promised: a real status, a body for every answer, Allow on 405.
    if (answer.status < 200 || answer.status > 599) std::abort();
    if (answer.body.empty()) std::abort();
    if (answer.status == 405 && !answer.allow) std::abort();
    if (answer.status == 400 && !answer.close) std::abort();
    return 0;
}
