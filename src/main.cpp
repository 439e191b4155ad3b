#include "cli/run.hpp"

int main(int argc, char** argv) {
    return clawinit::run_cli(argc, argv);
}
