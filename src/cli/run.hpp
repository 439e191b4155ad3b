// The command line as a whole: parse, then either print (--help, --version) or supervise.
#pragma once

namespace clawinit {

int run_cli(int argc, char** argv);

}  // namespace clawinit
