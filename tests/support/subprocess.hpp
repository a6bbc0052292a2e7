#pragma once
// Runs a program (the real personsync binary, in end-to-end tests) and
// collects its exit code and output.

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace personsync::testing {

struct process_result {
  int exit_code = -1;  // -1 when killed by a signal or timed out
  std::string out;
  std::string err;
};

struct process_options {
  std::map<std::string, std::string> env = {};  // added to (or replacing in) the current environment
  std::vector<std::string> unset_env = {};
  std::chrono::milliseconds timeout{60'000};
};

process_result run_process(const std::vector<std::string>& argv, const process_options& options = {});

// The personsync binary built with the tests, or $PERSONSYNC_BINARY.
std::filesystem::path personsync_binary();

// A directory removed with everything in it at the end of the test.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  // Writes `content` to `name` in the directory with the given mode; returns its path.
  std::filesystem::path write(const std::string& name, const std::string& content, unsigned mode = 0600) const;

 private:
  std::filesystem::path path_;
};

}  // namespace personsync::testing
