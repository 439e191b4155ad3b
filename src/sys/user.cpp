#include "sys/user.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

#include "config/value_error.hpp"
#include "sys/regular_file.hpp"

namespace clawinit {

namespace {

std::vector<std::string_view> split(std::string_view text, char sep) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (;;) {
        const auto end = text.find(sep, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

std::optional<std::uint64_t> digits(std::string_view text) {
    std::uint64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

// An id as the kernel takes it: (uid_t)-1 and (gid_t)-1 mean "leave unchanged" to setresuid
// and setgroups refuses them, so 4294967295 is not an id; neither is anything larger.
std::optional<unsigned> number(std::string_view text) {
    const auto value = digits(text);
    if (!value || *value > k_max_id) return std::nullopt;
    return static_cast<unsigned>(*value);
}

// A spec part that is all digits but out of range is a mistake, not a name to look up.
void check_id_range(std::string_view kind, std::string_view text) {
    const bool numeric =
        !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
    if (numeric && !number(text))
        throw ValueError("bad " + std::string(kind) + " id '" + std::string(text) + "' (use 0.." +
                         std::to_string(k_max_id) + ")");
}

// Calls `visit(fields)` for each well-formed line of a passwd/group style file.
template <typename Visit>
void for_each_entry(std::string_view text, std::size_t min_fields, Visit visit) {
    for (auto line : split(text, '\n')) {
        if (line.empty() || line.front() == '#') continue;
        auto fields = split(line, ':');
        if (fields.size() >= min_fields) visit(fields);
    }
}

// A database clawinit cannot read is one without entries: the lookup then says "not in".
std::string read_file(const std::string& path) {
    constexpr std::size_t k_max_database_size = 64 * 1024 * 1024;
    return read_regular_file(path, k_max_database_size).text;
}

}  // namespace

UserIds resolve_user(std::string_view spec, std::string_view passwd_text,
                     std::string_view group_text) {
    const auto colon = spec.find(':');
    const std::string_view user = spec.substr(0, colon);
    const std::string_view group =
        colon == std::string_view::npos ? std::string_view{} : spec.substr(colon + 1);
    if (user.empty()) throw ValueError("bad user '" + std::string(spec) + "' (empty user name)");
    check_id_range("user", user);
    check_id_range("group", group);

    UserIds ids;
    bool found = false;
    for_each_entry(passwd_text, 4, [&](const auto& f) {
        if (found) return;
        auto uid = number(f[2]);
        auto gid = number(f[3]);
        if (!uid || !gid) return;
        if (f[0] == user || (number(user) && *number(user) == *uid)) {
            ids.uid = *uid;
            ids.gid = *gid;
            ids.name = std::string(f[0]);
            const std::string_view home = f.size() > 5 ? f[5] : std::string_view{};
            const std::string_view shell = f.size() > 6 ? f[6] : std::string_view{};
            ids.home = home.empty() ? "/" : std::string(home);
            ids.shell = shell.empty() ? "/bin/sh" : std::string(shell);
            found = true;
        }
    });
    if (!found) {
        auto uid = number(user);
        if (!uid)
            throw UnresolvedName("unknown user '" + std::string(user) +
                                 "' (not in /etc/passwd; a numeric uid needs no entry)");
        ids.uid = ids.gid = *uid;
    }
    if (!group.empty()) {
        bool group_found = false;
        for_each_entry(group_text, 3, [&](const auto& f) {
            auto gid = number(f[2]);
            if (!group_found && gid &&
                (f[0] == group || (number(group) && *number(group) == *gid))) {
                ids.gid = *gid;
                group_found = true;
            }
        });
        if (!group_found) {
            auto gid = number(group);
            if (!gid)
                throw UnresolvedName("unknown group '" + std::string(group) +
                                     "' (not in /etc/group; a numeric gid needs no entry)");
            ids.gid = *gid;
        }
    }
    ids.groups.push_back(ids.gid);
    if (!ids.name.empty() && group.empty()) {
        for_each_entry(group_text, 4, [&](const auto& f) {
            auto gid = number(f[2]);
            if (!gid) return;
            for (auto member : split(f[3], ','))
                if (member == ids.name &&
                    std::find(ids.groups.begin(), ids.groups.end(), *gid) == ids.groups.end())
                    ids.groups.push_back(*gid);
        });
    }
    return ids;
}

namespace {
std::string& user_database_root() {
    static std::string root = "/";
    return root;
}
}  // namespace

void set_user_database_root(std::string root) {
    if (root.empty() || root.back() != '/') root += '/';
    user_database_root() = std::move(root);
}

UserIds resolve_user(std::string_view spec) {
    const std::string& root = user_database_root();
    return resolve_user(spec, read_file(root + "etc/passwd"), read_file(root + "etc/group"));
}

std::vector<std::string> user_environment(const UserIds& ids) {
    if (ids.name.empty()) return {"HOME=/", "USER", "LOGNAME", "SHELL"};
    return {"HOME=" + ids.home, "USER=" + ids.name, "LOGNAME=" + ids.name, "SHELL=" + ids.shell};
}

}  // namespace clawinit
