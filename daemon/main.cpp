// personsync: see README.md. Everything but process entry lives in cli/.

#include <iostream>
#include <string>
#include <vector>

#include "daemon/cli/command.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return personsync::cli::run_cli(args, {std::cout, std::cerr});
}
