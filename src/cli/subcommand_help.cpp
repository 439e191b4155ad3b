#include "cli/subcommand_help.hpp"

#include <array>
#include <string>
#include <utility>

namespace clawinit {
namespace {

constexpr std::string_view k_target =
    "  --pid PID, --pid-file FILE  the clawinit to signal (default: PID 1, or the pid its\n"
    "                              probe server publishes when PID 1 is another init)\n";
constexpr std::string_view k_probe =
    "  --probe ADDR    its probe server (default: found from -c FILE and CLAWINIT_* as the\n"
    "                  running clawinit finds it; 0.0.0.0 becomes 127.0.0.1)\n"
    "  -c FILE         the config file the running clawinit was started with\n";

// clang-format off
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> k_help{{
    {"stop",
     "Usage: clawinit stop [--wait] [--timeout D] [--pid PID | --pid-file FILE] [--probe ADDR]\n"
     "                     [-c FILE]\n"
     "Ask a running clawinit to stop the gateway gracefully and exit (SIGTERM).\n"
     "  --wait          wait for the outcome and print it: exit code, stop time, SIGKILL or not\n"
     "  --timeout D     stop waiting after D (default: drain delay + grace + 30s)\n"},
    {"restart",
     "Usage: clawinit restart [--wait] [--timeout D] [--pid PID | --pid-file FILE]\n"
     "                        [--probe ADDR] [-c FILE]\n"
     "Ask a running clawinit to restart the gateway in place (its restart signal).\n"
     "  --wait          wait until the gateway is ready again and print how long it took, or\n"
     "                  why the restart failed\n"
     "  --timeout D     stop waiting after D (default: restart timeout + 60s)\n"},
    {"status",
     "Usage: clawinit status [--json] [--timeout D] [--probe ADDR] [-c FILE]\n"
     "Print the state of a running clawinit: status, uptime, child pid, restarts, last exit,\n"
     "ready, and the reason when there is one.\n"
     "  --json          the /status document as the probe server gives it\n"
     "  --timeout D     how long to wait for the answer (default 2s)\n"},
    {"probe",
     "Usage: clawinit probe live|ready|startup|healthcheck [--timeout D] [--probe ADDR] [-c FILE]\n"
     "Exit 0 when that probe of the running clawinit answers 200 (no curl needed in an image):\n"
     "  live         /health: 503 only for a hung child or a spent crash budget (liveness)\n"
     "  ready        /ready: the gateway takes traffic (readiness)\n"
     "  startup      /startup: the gateway has been ready once (startup probe)\n"
     "  healthcheck  /healthcheck: for Docker's HEALTHCHECK; healthy through a requested\n"
     "               restart, unhealthy on a real fault\n"
     "  --timeout D     how long to wait for the answer (default 2s)\n"},
    {"check-config",
     "Usage: clawinit check-config [--root DIR] FILE\n"
     "Load FILE as a run would (CLAWINIT_* over the file over defaults) and print the\n"
     "effective configuration as YAML, with a run's warnings; or the one-line error, exit 2.\n"
     "  --root DIR      resolve user: names in DIR/etc/passwd and DIR/etc/group: check a file\n"
     "                  meant for an image on another machine, against the image's files\n"
     "                  (podman image mount IMAGE, or docker export of a container, untarred)\n"},
}};
// clang-format on

constexpr std::string_view k_exit_codes =
    "Exit codes: 0 done as asked; 1 done, but badly (SIGKILL was needed, the restart failed,\n"
    "the probe fails); 2 usage or config error; 3 timed out; 4 no clawinit to talk to.\n";

}  // namespace

std::optional<std::string_view> subcommand_help(std::string_view name) {
    // Built once per subcommand: the shared parts follow the subcommand's own lines.
    static std::array<std::string, k_help.size()> built;
    for (std::size_t i = 0; i < k_help.size(); ++i) {
        if (k_help[i].first != name) continue;
        std::string& out = built[i];
        if (out.empty()) {
            out = std::string(k_help[i].second);
            if (name == "stop" || name == "restart") out += k_target;
            if (name != "check-config") out += k_probe;
            out += k_exit_codes;
        }
        return out;
    }
    return std::nullopt;
}

}  // namespace clawinit
