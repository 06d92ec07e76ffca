// The bounded executor: capacity, draining on shutdown.
#include "services/common/bounded_executor.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace ismap::liu {
namespace {

TEST(BoundedExecutorTest, RefusesTasksBeyondCapacity) {
  BoundedExecutor executor(/*threads=*/1, /*capacity=*/2);
  absl::Notification started;
  absl::Notification release;
  ASSERT_TRUE(executor.TrySchedule([&] {
    started.Notify();
    release.WaitForNotification();
  }));
  started.WaitForNotification();
  std::atomic<int> ran{0};
  EXPECT_TRUE(executor.TrySchedule([&] { ++ran; }));
  EXPECT_TRUE(executor.TrySchedule([&] { ++ran; }));
  EXPECT_FALSE(executor.TrySchedule([&] { ++ran; }));
  release.Notify();
  executor.Shutdown();
  EXPECT_EQ(ran.load(), 2);
}

TEST(BoundedExecutorTest, ShutdownRunsQueuedTasksThenRefusesNewOnes) {
  BoundedExecutor executor(/*threads=*/2, /*capacity=*/100);
  std::atomic<int> ran{0};
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(executor.TrySchedule([&] { ++ran; }));
  }
  executor.Shutdown();
  EXPECT_EQ(ran.load(), 100);
  EXPECT_FALSE(executor.TrySchedule([&] { ++ran; }));
  executor.Shutdown();  // Idempotent.
}

}  // namespace
}  // namespace ismap::liu
