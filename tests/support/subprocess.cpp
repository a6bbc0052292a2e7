#include "tests/support/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace personsync::testing {

running_process::running_process(const std::vector<std::string>& argv, const process_options& options) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");

  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& name : options.unset_env) env.erase(name);
  for (const auto& [k, v] : options.env) env[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);

  program_name_ = std::filesystem::path(argv.at(0)).filename().string();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    const int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, STDIN_FILENO);
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  out_ = out_pipe[0];
  err_ = err_pipe[0];
  // Output is read from the start: a long-running process that logs a lot must never block on a full pipe.
  reader_ = std::thread([this] { collect(); });
}

running_process::~running_process() {
  if (!waited_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    wait(std::chrono::milliseconds(10'000));
  }
}

void running_process::kill(int signal) {
  if (!waited_ && pid_ > 0) ::kill(pid_, signal);
}

void running_process::hold_output() {
  // Shrunk while the reader still drains them: a pipe holding more than a page refuses (EBUSY).
  for (int fd : {out_, err_}) {
    for (int attempt = 0; attempt < 100 && !output_closed_; ++attempt) {
      if (fcntl(fd, F_SETPIPE_SZ, 4096) >= 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  output_held_ = true;
}

void running_process::release_output() { output_held_ = false; }

namespace {

// The program's own peak resident memory. Not getrusage's ru_maxrss: Linux
// carries the forked parent's high-water mark across execve into it. And only
// once the child is the program (its Name is the program's): between fork and
// execve it is a copy of this process.
long peak_rss_kib(int pid, const std::string& program_name) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  bool is_program = false;
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("Name:", 0) == 0) is_program = line.find(program_name.substr(0, 15)) != std::string::npos;
    if (line.rfind("VmHWM:", 0) == 0 && is_program) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

}  // namespace

void running_process::collect() {
  pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
  std::string* sinks[2] = {&collected_.out, &collected_.err};
  int open_fds = 2;
  while (open_fds > 0) {
    const long rss = peak_rss_kib(pid_, program_name_);
    {
      std::lock_guard lock(mutex_);
      collected_.max_rss_kib = std::max(collected_.max_rss_kib, rss);
    }
    if (output_held_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    if (poll(fds, 2, 20) < 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP))) {
        char buffer[65536];
        const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
        if (n > 0) {
          std::lock_guard lock(mutex_);
          sinks[i]->append(buffer, static_cast<std::size_t>(n));
        } else {
          close(fds[i].fd);
          fds[i].fd = -1;
          --open_fds;
        }
      }
    }
  }
  output_closed_ = true;
}

process_result running_process::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  while (!output_closed_) {
    if (std::chrono::steady_clock::now() >= deadline) {
      timed_out = true;
      ::kill(pid_, SIGKILL);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  reader_.join();
  int status = 0;
  waitpid(pid_, &status, 0);
  waited_ = true;
  process_result result;
  {
    std::lock_guard lock(mutex_);
    result = std::move(collected_);
  }
  result.exit_code = (!timed_out && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  return result;
}

process_result run_process(const std::vector<std::string>& argv, const process_options& options) {
  running_process process(argv, options);
  return process.wait(options.timeout);
}

std::filesystem::path personsync_binary() {
  if (const char* path = std::getenv("PERSONSYNC_BINARY")) return path;
  return PERSONSYNC_DEFAULT_BINARY;
}

temp_dir::temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "personsync-test.XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path temp_dir::write(const std::string& name, const std::string& content, unsigned mode) const {
  const std::filesystem::path file = path_ / name;
  std::ofstream(file, std::ios::binary) << content;
  chmod(file.c_str(), mode);
  return file;
}

}  // namespace personsync::testing
