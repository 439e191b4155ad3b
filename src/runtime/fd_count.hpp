// How many descriptors clawinit may open and how many it holds: the probe server's
// connection cap is what is left of the limit after those and a reserve (probe/server.hpp).
#pragma once

#include <cstdint>

namespace clawinit {

// RLIMIT_NOFILE's soft limit as it is now (after raise_fd_limit()); 1024 if it cannot be read.
std::uint64_t fd_soft_limit();

// Descriptors open in this process: the entries of /proc/self/fd (less the one the listing
// itself uses), or, without /proc, the valid ones among the first `up_to`.
std::uint64_t open_descriptor_count(std::uint64_t up_to);

}  // namespace clawinit
