// state.json on disk: read at start, replaced atomically on every lifecycle change.
// Nothing here is fatal (README "Operating it", State): problems come back as text for the caller
// to log.
#pragma once

#include <string>

#include "state/state.hpp"

namespace clawinit {

struct LoadResult {
    PersistedState state;  // fresh (all defaults) unless a good file was read
    std::string warning;   // non-empty: something to log
};

// A missing file is a first boot: fresh state, no warning. A corrupt file is renamed to
// state.json.corrupt-<unix-time> (kept for a person to look at) and the warning says so.
// An unreadable file or directory is a warning with fresh state. Temp files left by a save
// that was killed half-way are removed.
LoadResult load_state(const std::string& dir);

struct SaveResult {
    bool ok{false};
    std::string error;    // names the call, the path and strerror
    double seconds{0.0};  // how long the save took, for /metrics
};

// Writes dir/.state.json.tmp-<pid>, fsyncs it, renames it over dir/state.json and fsyncs the
// directory, so a reader (or the next boot, after SIGKILL or power loss) sees either the whole
// old file or the whole new one. On failure the temp file is removed and state.json is left
// as it was.
SaveResult save_state(const std::string& dir, const PersistedState& state);

}  // namespace clawinit
