// Spent objects are destroyed on another thread, whole, and the caller does not wait for them.

#include <future>
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/release_in_background.hpp"

namespace personsync {
namespace {

// Tells, when destroyed, on which thread that happened (a moved-from witness tells nothing).
class destruction_witness {
 public:
  explicit destruction_witness(std::unique_ptr<std::promise<std::thread::id>> told) : told_(std::move(told)) {}
  destruction_witness(destruction_witness&&) = default;
  ~destruction_witness() {
    if (told_) told_->set_value(std::this_thread::get_id());
  }

 private:
  std::unique_ptr<std::promise<std::thread::id>> told_;
};

TEST(ReleaseInBackground, DestroysWhatItIsGivenOnAnotherThread) {
  auto told = std::make_unique<std::promise<std::thread::id>>();
  std::future<std::thread::id> destroyed_on = told->get_future();
  std::vector<int> spent(1'000'000, 7);
  release_in_background(destruction_witness(std::move(told)), std::move(spent));

  ASSERT_EQ(destroyed_on.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_NE(destroyed_on.get(), std::this_thread::get_id());
  EXPECT_TRUE(spent.empty());  // NOLINT(bugprone-use-after-move): moved out, not copied
}

}  // namespace
}  // namespace personsync
