#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cerrno>
#include <fstream>

#include "sys/directories.hpp"
#include "temp_dir.hpp"

using namespace clawinit;

namespace {

bool is_directory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

TEST_CASE("make_directories makes the missing parents, like mkdir -p") {
    TempDir dir;
    CHECK(make_directories(dir / "a/b/c"));
    CHECK(is_directory(dir / "a/b/c"));
    CHECK(make_directories(dir / "a/b/c"));   // already there
    CHECK(make_directories(dir / "a/b/d/"));  // a trailing slash
    CHECK(is_directory(dir / "a/b/d"));
    CHECK(make_directories(dir.path()));
}

TEST_CASE("make_directories fails where a file is in the way, with errno") {
    TempDir dir;
    std::ofstream(dir / "file") << "x";
    errno = 0;
    CHECK_FALSE(make_directories(dir / "file"));
    CHECK(errno == ENOTDIR);
    CHECK_FALSE(make_directories(dir / "file/sub"));
    CHECK(errno == ENOTDIR);
}
