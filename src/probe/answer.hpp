// The probe server's request -> response function (README "Probes"). It sees only a
// method, a request-target and a ProbeSnapshot: no socket, no clock, no process, so every
// answer is a plain unit test and the server layer only moves bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "probe/snapshot.hpp"

namespace clawinit {

struct ProbeAnswer {
    int status;
    std::string_view content_type;  // one of the constants below: static storage
    // Set for HEAD too: the server layer drops it but sends its size as Content-Length, so
    // HEAD and GET carry the same headers.
    std::string body;
    bool close{false};                      // close the connection after this answer
    std::optional<std::string_view> allow;  // the Allow header, set on 405 (static storage)
};

inline constexpr std::string_view k_json_content_type = "application/json";
inline constexpr std::string_view k_metrics_content_type =
    "text/plain; version=0.0.4; charset=utf-8";

// Longer request-targets are refused as malformed (400, close) even if the server layer
// let them through; no probe path comes near this.
inline constexpr std::size_t k_max_target_bytes = 8192;

// `method` is case-sensitive as HTTP says ("get" is not GET). `target` is the request-target
// as received: origin-form ("/ready?x=1") or absolute-form ("http://host/ready").
ProbeAnswer answer_probe(std::string_view method, std::string_view target, const ProbeSnapshot& s);

}  // namespace clawinit
