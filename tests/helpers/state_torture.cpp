// state_torture DIR N: saves N successive states into DIR as fast as save_state allows, for
// tests/integration/test_state_atomic.py to SIGKILL at a random instant.
//
// It first loads DIR the way clawinit does at boot and continues counting from there, so a
// harness that kills and restarts it can check the count never goes back. Every field is a
// function of boot_count and the reason's length varies with it, so a file mixing two saves,
// or cut short, fails the harness's consistency check and not just its JSON parse.

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>

#include "state/state_file.hpp"

namespace {

using clawinit::PersistedState;

PersistedState state_for(std::uint64_t i, std::int64_t started_at) {
    PersistedState s;
    s.boot_count = i;
    s.restarts = {{"crash", i / 2}, {"signal", i}};
    s.last_exit = static_cast<int>(i % 256);
    s.last_stop_reason = std::string(i % 97, 'x');
    s.last_stop_seconds = static_cast<double>(i) / 1000.0;
    s.last_stop_killed = i % 2 == 1;
    s.started_at = started_at;
    s.updated_at = std::time(nullptr);
    s.last_restart_at = static_cast<std::int64_t>(i);
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t count = 0;
    const std::string_view n = argc == 3 ? argv[2] : "";
    const auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), count);
    if (argc != 3 || ec != std::errc() || end != n.data() + n.size()) {
        std::fprintf(stderr, "usage: state_torture DIR N\n");
        return 2;
    }
    const std::string dir = argv[1];
    const clawinit::LoadResult loaded = clawinit::load_state(dir);
    if (!loaded.warning.empty()) std::fprintf(stderr, "warning: %s\n", loaded.warning.c_str());
    const std::uint64_t first = loaded.state.boot_count + 1;
    const std::int64_t started_at = std::time(nullptr);
    for (std::uint64_t i = first; i < first + count; ++i) {
        const clawinit::SaveResult saved = clawinit::save_state(dir, state_for(i, started_at));
        if (!saved.ok) {
            std::fprintf(stderr, "save %llu: %s\n", static_cast<unsigned long long>(i),
                         saved.error.c_str());
            return 1;
        }
    }
    return 0;
}
