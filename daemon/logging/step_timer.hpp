#pragma once
// Logs how long each step of a long task took, at debug level:
// "<task>: <step> took 0.123 s", each step timed from the one before.
// The benchmarks read these lines (identity_bench prints a resolution's steps).

#include <chrono>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace personsync::logging {

class step_timer {
 public:
  explicit step_timer(std::string task) : task_(std::move(task)) {}

  void operator()(std::string_view step) {
    const auto now = std::chrono::steady_clock::now();
    spdlog::debug("{}: {} took {:.3f} s", task_, step, std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }

 private:
  std::string task_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace personsync::logging
