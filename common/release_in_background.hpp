#pragma once
// Destroys spent objects on a detached thread: a full resolution's records,
// links and persons are some ten million small allocations, and freeing them
// took 1.6 s after the commit (identity_bench, 1M records), which nobody needs
// to wait for. A command that exits meanwhile simply ends the thread with the
// process, the way clang's -disable-free skips freeing at exit; the daemon
// gets the memory back a moment later.
//
// The thread only frees, so it never creates a malloc arena of its own: what it
// frees goes back to the arena that allocated it.

#include <thread>
#include <tuple>
#include <utility>

namespace personsync {

// Takes the objects by value: pass them with std::move.
template <typename... Spent>
void release_in_background(Spent... spent) {
  std::thread([held = std::tuple<Spent...>(std::move(spent)...)]() mutable {
    auto destroyed = std::move(held);  // destroyed here, on this thread
  }).detach();
}

}  // namespace personsync
