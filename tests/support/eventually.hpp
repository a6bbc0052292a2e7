#pragma once
// Polling with a deadline, for tests that wait on another process (a daemon, a
// replica) to reach a state they can only observe.

#include <chrono>
#include <thread>

namespace personsync::testing {

// Polls `predicate` every 100 ms until it holds or `timeout` has passed; its last answer.
template <typename Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return predicate();
}

}  // namespace personsync::testing
