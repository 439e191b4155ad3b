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
    // From the passwd entry; all empty for a numeric uid that has none.
    std::string name;
    std::string home;   // "/" for an empty field
    std::string shell;  // "/bin/sh" for an empty field, as passwd(5) says
};

// The largest uid or gid: (uid_t)-1 = 4294967295 means "unchanged" to the kernel, never an id.
inline constexpr unsigned k_max_id = 4294967294U;

// Names or numeric ids (0..k_max_id); a numeric user absent from passwd gets gid = its own
// number unless a GROUP is given. The groups are the user's primary group and every group that
// lists the user as a member, or only GROUP when one is given (as gosu, su-exec and Docker's
// `--user USER:GROUP` do): naming a group is asking for exactly that group. Throws ValueError
// (config/value_error.hpp) describing the value, for an unknown name or an id out of range; the
// config loader says where it was given.
UserIds resolve_user(std::string_view spec, std::string_view passwd_text,
                     std::string_view group_text);

// Same, reading /etc/passwd and /etc/group (missing files read as empty), under the root set
// below.
UserIds resolve_user(std::string_view spec);

// Where resolve_user(spec) finds etc/passwd and etc/group: "/" unless `check-config --root DIR`
// set it, to check an image's config file against the image's files from another machine.
void set_user_database_root(std::string root);

// What a switch to `ids` changes in the child's environment, as runuser and `setpriv
// --reset-env` do (gosu and su-exec set HOME alone): HOME, USER, LOGNAME and SHELL from the
// passwd entry, since the inherited ones are clawinit's (a container runtime gives root's
// HOME=/root, where the user cannot write). Without an entry HOME is "/" (as gosu and su-exec
// do) and USER, LOGNAME and SHELL are removed: the inherited values would name another user.
// "K=V" sets K, a bare "K" removes it (the form of config/child_env.hpp).
std::vector<std::string> user_environment(const UserIds& ids);

}  // namespace clawinit
