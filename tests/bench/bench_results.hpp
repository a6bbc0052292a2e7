#pragma once
// Where a benchmark's figures go: printed, and written whole to a results file,
// `<name>.results.txt` in $PERSONSYNC_BENCH_RESULTS or else the current
// directory, so that a run's figures are kept beside the command that made them.

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

namespace personsync::bench {

// Prints `figures` and writes them to the results file; returns false (and says so) when it cannot.
inline bool publish_results(std::string_view name, const std::string& figures) {
  std::cout << figures << std::flush;
  const char* dir = std::getenv("PERSONSYNC_BENCH_RESULTS");
  const std::string path = std::string(dir && *dir ? dir : ".") + "/" + std::string(name) + ".results.txt";
  std::ofstream out(path, std::ios::trunc);
  out << figures;
  out.close();
  if (!out) {
    std::cerr << "could not write the results file " << path << "\n";
    return false;
  }
  std::cout << "results written to " << path << "\n";
  return true;
}

}  // namespace personsync::bench
