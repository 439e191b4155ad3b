// state.json on a real filesystem: loads, atomic saves, and every failure leaving the old
// file alone. Tests run as root in CI, where permissions do not stop writes, so the failures
// are made with file types (a file where a directory should be, and the reverse) instead.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "state/state_file.hpp"
#include "temp_dir.hpp"

using namespace clawinit;
namespace fs = std::filesystem;

namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_text(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
}

std::set<std::string> entries(const std::string& dir) {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) {
        names.insert(entry.path().filename().string());
    }
    return names;
}

std::string temp_name() {
    return ".state.json.tmp-" + std::to_string(::getpid());
}

PersistedState sample(std::uint64_t boots) {
    PersistedState s;
    s.boot_count = boots;
    s.restarts = {{"crash", 1}, {"signal", boots}};
    s.last_exit = 0;
    s.last_stop_reason = "child exited";
    s.last_stop_seconds = 0.5;
    s.started_at = 1700000000;
    s.updated_at = 1700000001;
    return s;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("save then load gives the same state, and only state.json is left") {
    TempDir dir;
    const SaveResult saved = save_state(dir.path(), sample(3));
    CHECK(saved.ok);
    CHECK(saved.error.empty());
    CHECK(saved.seconds >= 0.0);
    CHECK(saved.seconds < 60.0);
    CHECK(entries(dir.path()) == std::set<std::string>{"state.json"});
    CHECK(read_text(dir / "state.json") == encode_state(sample(3)));

    const LoadResult loaded = load_state(dir.path());
    CHECK(loaded.warning.empty());
    CHECK(loaded.state == sample(3));
}

TEST_CASE("a second save replaces the first") {
    TempDir dir;
    REQUIRE(save_state(dir.path(), sample(1)).ok);
    REQUIRE(save_state(dir.path() + "/", sample(2)).ok);
    CHECK(load_state(dir.path()).state == sample(2));
    CHECK(entries(dir.path()) == std::set<std::string>{"state.json"});
}

TEST_CASE("a missing file is a first boot: fresh state, nothing to warn about") {
    TempDir dir;
    const LoadResult loaded = load_state(dir.path());
    CHECK(loaded.warning.empty());
    CHECK(loaded.state == PersistedState{});
    CHECK(entries(dir.path()).empty());
}

TEST_CASE("a corrupt file is moved aside with a warning, and the next load starts fresh") {
    TempDir dir;
    const std::string garbage = "{\"boot_count\": 4, \"restarts\": {\"crash\": ";
    write_text(dir / "state.json", garbage);
    const auto before = std::time(nullptr);

    const LoadResult loaded = load_state(dir.path());
    CHECK(loaded.state == PersistedState{});
    CHECK(contains(loaded.warning, dir / "state.json"));
    CHECK(contains(loaded.warning, "corrupt"));

    const auto names = entries(dir.path());
    REQUIRE(names.size() == 1);
    const std::string aside = *names.begin();
    CAPTURE(aside);
    REQUIRE(aside.starts_with("state.json.corrupt-"));
    const auto stamp = std::stoll(aside.substr(std::strlen("state.json.corrupt-")));
    CHECK(stamp >= before);
    CHECK(stamp <= std::time(nullptr));
    CHECK(contains(loaded.warning, dir / aside));
    CHECK(read_text(dir / aside) == garbage);

    const LoadResult again = load_state(dir.path());
    CHECK(again.warning.empty());
    CHECK(again.state == PersistedState{});
}

TEST_CASE("two corrupt files in the same second are both kept") {
    TempDir dir;
    write_text(dir / "state.json", "first");
    CHECK_FALSE(load_state(dir.path()).warning.empty());
    write_text(dir / "state.json", "second");
    CHECK_FALSE(load_state(dir.path()).warning.empty());
    std::set<std::string> kept;
    for (const auto& name : entries(dir.path())) kept.insert(read_text(dir / name));
    CHECK(kept == std::set<std::string>{"first", "second"});
}

TEST_CASE("a well-formed file with a wrong type is corrupt too") {
    TempDir dir;
    write_text(dir / "state.json", "{\"boot_count\": \"three\"}\n");
    const LoadResult loaded = load_state(dir.path());
    CHECK(contains(loaded.warning, "corrupt"));
    CHECK_FALSE(fs::exists(dir / "state.json"));
}

TEST_CASE("an oversized file is corrupt, not read whole") {
    TempDir dir;
    write_text(dir / "state.json", "{" + std::string(2 << 20, ' ') + "}");
    const LoadResult loaded = load_state(dir.path());
    CHECK(contains(loaded.warning, "corrupt"));
    CHECK(loaded.state == PersistedState{});
    CHECK_FALSE(fs::exists(dir / "state.json"));
}

// Not a file (issue 12.4): a FIFO there once hung the start in open(); whatever is not a
// regular file is set aside like a corrupt one, so the next save can put a file there.
static void check_set_aside(const TempDir& dir, const std::string& kind) {
    const LoadResult loaded = load_state(dir.path());
    CHECK(loaded.state == PersistedState{});
    CHECK(contains(loaded.warning, "corrupt"));
    CHECK(contains(loaded.warning, kind));
    CHECK_FALSE(fs::exists(fs::symlink_status(dir / "state.json")));
    const auto names = entries(dir.path());
    REQUIRE(names.size() == 1);
    CHECK(names.begin()->starts_with("state.json.corrupt-"));
    CHECK(save_state(dir.path(), sample(1)).ok);
    CHECK(load_state(dir.path()).state == sample(1));
}

TEST_CASE("a directory at state.json is set aside, not read") {
    TempDir dir;
    fs::create_directory(dir / "state.json");
    check_set_aside(dir, "a directory");
}

TEST_CASE("a FIFO at state.json is set aside without waiting for a writer") {
    TempDir dir;
    REQUIRE(::mkfifo((dir / "state.json").c_str(), 0600) == 0);
    check_set_aside(dir, "a FIFO");  // a blocking open would hang this test forever
}

TEST_CASE("a symlink at state.json is not followed: set aside, its target untouched") {
    TempDir dir;
    write_text(dir / "elsewhere", "{}");
    fs::create_directory(dir / "sub");
    fs::rename(dir / "elsewhere", dir / "sub/elsewhere");
    fs::create_symlink(dir / "sub/elsewhere", dir / "state.json");
    const LoadResult loaded = load_state(dir.path());
    CHECK(contains(loaded.warning, "symbolic link"));
    CHECK(read_text(dir / "sub/elsewhere") == "{}");
    CHECK_FALSE(fs::exists(fs::symlink_status(dir / "state.json")));
}

TEST_CASE("a state dir that is not a directory is a warning on load") {
    TempDir dir;
    write_text(dir / "plain", "x");
    const LoadResult loaded = load_state(dir / "plain");
    CHECK(contains(loaded.warning, "open " + (dir / "plain/state.json")));
    CHECK(contains(loaded.warning, std::strerror(ENOTDIR)));
}

TEST_CASE("temp files left by a killed save are removed on load") {
    TempDir dir;
    REQUIRE(save_state(dir.path(), sample(5)).ok);
    write_text(dir / ".state.json.tmp-1", "{\"boot_");
    write_text(dir / ".state.json.tmp-99999", "");
    const LoadResult loaded = load_state(dir.path());
    CHECK(loaded.warning.empty());
    CHECK(loaded.state == sample(5));
    CHECK(entries(dir.path()) == std::set<std::string>{"state.json"});
}

TEST_CASE("an unwritable state dir fails the save, naming call, path and reason") {
    TempDir dir;
    std::string state_dir;
    int expected_errno = 0;
    if (::geteuid() == 0) {
        // Root writes through permissions; a regular file where the directory should be
        // fails for anyone.
        write_text(dir / "plain", "x");
        state_dir = dir / "plain";
        expected_errno = ENOTDIR;
    } else {
        REQUIRE(save_state(dir.path(), sample(1)).ok);
        REQUIRE(::chmod(dir.path().c_str(), 0555) == 0);
        state_dir = dir.path();
        expected_errno = EACCES;
    }
    const SaveResult saved = save_state(state_dir, sample(2));
    CHECK_FALSE(saved.ok);
    CHECK(saved.error ==
          "open " + state_dir + "/" + temp_name() + ": " + std::strerror(expected_errno));
    CHECK(saved.seconds >= 0.0);
    if (expected_errno == EACCES) {
        CHECK(load_state(state_dir).state == sample(1));
        CHECK(entries(state_dir) == std::set<std::string>{"state.json"});
    } else {
        CHECK(read_text(state_dir) == "x");
    }
}

TEST_CASE("a failed rename removes the temp file and leaves the old state alone") {
    TempDir dir;
    // A non-empty directory at state.json: the temp file is written, the rename then fails.
    fs::create_directories(dir / "state.json/keep");
    const SaveResult saved = save_state(dir.path(), sample(2));
    CHECK_FALSE(saved.ok);
    CHECK(contains(saved.error, "rename " + (dir / temp_name()) + " -> " + (dir / "state.json")));
    CHECK(contains(saved.error, std::strerror(EISDIR)));
    CHECK(entries(dir.path()) == std::set<std::string>{"state.json"});
    CHECK(fs::is_directory(dir / "state.json/keep"));
}

TEST_CASE("a failed open leaves the old state and whatever sits at the temp path alone") {
    TempDir dir;
    REQUIRE(save_state(dir.path(), sample(1)).ok);
    const std::string old_text = read_text(dir / "state.json");
    fs::create_directory(dir / temp_name());
    const SaveResult saved = save_state(dir.path(), sample(2));
    CHECK_FALSE(saved.ok);
    CHECK(saved.error == "open " + (dir / temp_name()) + ": " + std::strerror(EISDIR));
    CHECK(read_text(dir / "state.json") == old_text);
    CHECK(fs::is_directory(dir / temp_name()));
}

TEST_CASE("a symlink planted at the temp path is not followed") {
    TempDir dir;
    write_text(dir / "victim", "precious");
    fs::create_symlink(dir / "victim", dir / temp_name());
    const SaveResult saved = save_state(dir.path(), sample(2));
    CHECK_FALSE(saved.ok);
    CHECK(contains(saved.error, std::strerror(ELOOP)));
    CHECK(read_text(dir / "victim") == "precious");
    CHECK_FALSE(fs::exists(dir / "state.json"));
}
