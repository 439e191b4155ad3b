// The error an option's value parser throws. It only describes the value ("bad duration '8x'
// (...)"); config/load.cpp knows where the value came from and rethrows a ConfigError with
// that prefix ("option '--grace': ", "env CLAWINIT_GRACE: ", "FILE:LINE:COL: key 'grace': ").
#pragma once

#include <stdexcept>

namespace clawinit {

struct ValueError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A user or group name this machine does not know. Unlike other bad values it is an error only
// if it is the value that wins: `--user root` over an image file's `user: node`, on a machine
// without `node`, must run. SourceLayer::defer keeps it (with its source) until all sources
// are applied; a later source that sets the option drops it.
struct UnresolvedName : ValueError {
    using ValueError::ValueError;
};

}  // namespace clawinit
