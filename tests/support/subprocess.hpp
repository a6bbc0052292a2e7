#pragma once
// Runs a program (the real personsync binary, in end-to-end tests) and
// collects its exit code and output.

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace personsync::testing {

struct process_result {
  int exit_code = -1;  // -1 when killed by a signal or timed out
  int signal = 0;      // the signal that ended it, if one did
  std::string out;
  std::string err;
  long max_rss_kib = 0;  // peak resident memory (VmHWM, sampled every 20 ms until exit)
};

struct process_options {
  std::map<std::string, std::string> env = {};  // added to (or replacing in) the current environment
  std::vector<std::string> unset_env = {};
  std::chrono::milliseconds timeout{60'000};
};

// A started process; wait() collects it. Its output is read all along, by a thread of its own.
class running_process {
 public:
  running_process(const std::vector<std::string>& argv, const process_options& options = {});
  ~running_process();
  running_process(const running_process&) = delete;
  running_process& operator=(const running_process&) = delete;

  void kill(int signal);
  // Stops reading the output and shrinks its pipes to a page: the process's next writes
  // soon block, as when the journal stalls. release_output() reads again.
  void hold_output();
  void release_output();
  process_result wait(std::chrono::milliseconds timeout = std::chrono::milliseconds(60'000));
  [[nodiscard]] int pid() const noexcept { return pid_; }

 private:
  void collect();

  int pid_ = -1;
  std::string program_name_;
  int out_ = -1;
  int err_ = -1;
  bool waited_ = false;
  std::mutex mutex_;
  process_result collected_;  // output so far, under mutex_
  std::atomic<bool> output_closed_{false};
  std::atomic<bool> output_held_{false};
  std::thread reader_;
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
