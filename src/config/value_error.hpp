// The error an option's value parser throws. It only describes the value ("bad duration '8x'
// (...)"); config/load.cpp knows where the value came from and rethrows a ConfigError with
// that prefix ("option '--grace': ", "env CLAWINIT_GRACE: ", "FILE:LINE:COL: key 'grace': ").
#pragma once

#include <stdexcept>

namespace clawinit {

struct ValueError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace clawinit
