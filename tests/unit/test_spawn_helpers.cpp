// The two pure-ish halves of src/sys/spawn.cpp that decide what the child gets before any fork:
// which file is exec'd (resolve_executable: PATH lookup like execvp, so a missing or
// non-executable command is exit 127/126 before a fork) and which environment it sees
// (child_environment: clawinit's own, with --env replacing or adding, nothing removed).
// The lookup reads a real filesystem, so each case builds its own directories.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sys/spawn.hpp"
#include "temp_dir.hpp"

using namespace clawinit;
namespace fs = std::filesystem;

namespace {

// A regular file with `mode`; root ignores read and write bits, not a missing execute bit.
std::string make_file(const TempDir& dir, const std::string& name, mode_t mode) {
    const std::string path = dir / name;
    std::ofstream(path) << "#!/bin/sh\n";
    REQUIRE(::chmod(path.c_str(), mode) == 0);
    return path;
}

// The current directory for one scope: an empty PATH element means ".".
class InDirectory {
public:
    explicit InDirectory(const std::string& dir) : m_old(fs::current_path()) {
        fs::current_path(dir);
    }
    InDirectory(const InDirectory&) = delete;
    InDirectory& operator=(const InDirectory&) = delete;
    ~InDirectory() {
        std::error_code ignored;
        fs::current_path(m_old, ignored);
    }

private:
    fs::path m_old;
};

std::string resolve(const std::string& name, const std::vector<std::string>& env, int& error) {
    error = -1;  // resolve_executable must set it on every path
    return resolve_executable(name, env, error);
}

}  // namespace

TEST_CASE("spawn: a bare name is looked up in PATH, first directory with a runnable file wins") {
    TempDir first, second;
    const std::string runnable = make_file(second, "gateway", 0755);
    int error = 0;
    CHECK(resolve("gateway", {"HOME=/root", "PATH=" + first.path() + ":" + second.path()}, error) ==
          runnable);
    CHECK(error == 0);

    const std::string earlier = make_file(first, "gateway", 0755);
    CHECK(resolve("gateway", {"PATH=" + first.path() + ":" + second.path()}, error) == earlier);
    CHECK(error == 0);
}

TEST_CASE("spawn: PATH is the child's (the environment passed in), not clawinit's") {
    TempDir dir;
    const std::string runnable = make_file(dir, "only-here", 0755);
    int error = 0;
    CHECK(resolve("only-here", {"PATH=" + dir.path()}, error) == runnable);
    CHECK(error == 0);
    // Without PATH in the child's environment the default list is searched, which holds sh.
    const std::string sh = resolve("sh", {"HOME=/root"}, error);
    CHECK(error == 0);
    CHECK(sh.size() > 3);
    CHECK(sh.substr(sh.size() - 3) == "/sh");
    CHECK(::access(sh.c_str(), X_OK) == 0);
    CHECK(resolve("only-here", {"HOME=/root"}, error).empty());
    CHECK(error == ENOENT);
}

TEST_CASE("spawn: a name with a slash is exec'd as written, and exec reports what is wrong") {
    int error = -1;
    CHECK(resolve_executable("/no/such/program", {"PATH=/usr/bin"}, error) == "/no/such/program");
    CHECK(error == 0);
    CHECK(resolve_executable("./relative", {}, error) == "./relative");
    CHECK(error == 0);
}

TEST_CASE("spawn: a name found nowhere is ENOENT (exit 127), an empty name too") {
    TempDir dir;
    int error = 0;
    CHECK(resolve("no-such-gateway", {"PATH=" + dir.path() + ":/usr/bin"}, error).empty());
    CHECK(error == ENOENT);
    CHECK(resolve("", {"PATH=/usr/bin"}, error).empty());
    CHECK(error == ENOENT);
}

TEST_CASE("spawn: only non-executable matches is EACCES (exit 126); a directory is no match") {
    TempDir plain, with_dir;
    make_file(plain, "gateway", 0644);
    int error = 0;
    CHECK(resolve("gateway", {"PATH=" + plain.path()}, error).empty());
    CHECK(error == EACCES);

    // A non-executable file first does not hide a runnable one later in PATH.
    TempDir runnable_dir;
    const std::string runnable = make_file(runnable_dir, "gateway", 0700);
    CHECK(resolve("gateway", {"PATH=" + plain.path() + ":" + runnable_dir.path()}, error) ==
          runnable);
    CHECK(error == 0);

    // A directory of that name is skipped, not reported as not executable.
    fs::create_directory(with_dir / "gateway");
    CHECK(resolve("gateway", {"PATH=" + with_dir.path()}, error).empty());
    CHECK(error == ENOENT);
}

TEST_CASE("spawn: an empty PATH, or an empty PATH element, means the current directory") {
    TempDir dir;
    make_file(dir, "here", 0755);
    InDirectory cwd(dir.path());
    int error = 0;
    CHECK(resolve("here", {"PATH="}, error) == "./here");
    CHECK(error == 0);
    CHECK(resolve("here", {"PATH=/nonexistent::/also-not"}, error) == "./here");
    CHECK(error == 0);
    CHECK(resolve("sh", {"PATH="}, error).empty());  // the default list is not searched
    CHECK(error == ENOENT);
}

TEST_CASE("spawn: the child's environment is clawinit's own, in order, when --env is empty") {
    char a[] = "HOME=/root";
    char b[] = "CLAWINIT_GRACE=20s";  // CLAWINIT_* variables are passed on, not filtered
    char c[] = "EMPTY=";
    char* environ_now[] = {a, b, c, nullptr};
    CHECK(child_environment(environ_now, {}) ==
          std::vector<std::string>{"HOME=/root", "CLAWINIT_GRACE=20s", "EMPTY="});
    CHECK(child_environment(nullptr, {"A=1"}) == std::vector<std::string>{"A=1"});
}

TEST_CASE("spawn: --env replaces a variable in place or adds it at the end, removing nothing") {
    char a[] = "PATH=/usr/bin";
    char b[] = "FOOBAR=keep";
    char c[] = "LANG=C";
    char* environ_now[] = {a, b, c, nullptr};
    const auto env = child_environment(
        environ_now, {"FOO=new", "PATH=/opt/bin:/usr/bin", "CLAWINIT_PARENT=1", "URL=a=b"});
    // FOO is not FOOBAR: keys are compared whole, up to the first '='.
    CHECK(env == std::vector<std::string>{"PATH=/opt/bin:/usr/bin", "FOOBAR=keep", "LANG=C",
                                          "FOO=new", "CLAWINIT_PARENT=1", "URL=a=b"});
}

TEST_CASE("spawn: a bare NAME removes NAME from the child's environment, every copy of it") {
    char a[] = "HOME=/root";
    char b[] = "TZ=UTC";
    char c[] = "HOMEDIR=/x";
    char d[] = "TZ=again";
    char* environ_now[] = {a, b, c, d, nullptr};
    CHECK(child_environment(environ_now, {"TZ", "HOME", "NEVER_SET"}) ==
          std::vector<std::string>{"HOMEDIR=/x"});
    // A later entry sets it again, at the end.
    CHECK(child_environment(environ_now, {"TZ", "TZ=Europe/Berlin"}) ==
          std::vector<std::string>{"HOME=/root", "HOMEDIR=/x", "TZ=Europe/Berlin"});
}

TEST_CASE("spawn: of two --env entries for one key, the later wins, in the earlier's place") {
    char a[] = "LANG=C";
    char* environ_now[] = {a, nullptr};
    CHECK(child_environment(environ_now, {"MODE=a", "LANG=de_DE.UTF-8", "MODE=b"}) ==
          std::vector<std::string>{"LANG=de_DE.UTF-8", "MODE=b"});
}
