// --user USER[:GROUP] resolved to ids before the spawn, from /etc/passwd and /etc/group text.
// We parse those files ourselves instead of calling getpwnam(): a static binary cannot load
// glibc's NSS modules, and FROM-scratch images have nothing but these two files (if that).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace clawinit {

struct UserIds {
    uid_t uid{0};
    gid_t gid{0};
    std::vector<gid_t> groups;  // supplementary groups, the primary one included
};

// The largest uid or gid: (uid_t)-1 = 4294967295 means "unchanged" to the kernel, never an id.
inline constexpr unsigned k_max_id = 4294967294U;

// Names or numeric ids (0..k_max_id); a numeric user absent from passwd gets gid = its own
// number unless a GROUP is given. Throws ValueError (config/value_error.hpp) describing the
// value, for an unknown name or an id out of range; the config loader says where it was given.
UserIds resolve_user(std::string_view spec, std::string_view passwd_text,
                     std::string_view group_text);

// Same, reading /etc/passwd and /etc/group (missing files read as empty).
UserIds resolve_user(std::string_view spec);

}  // namespace clawinit
