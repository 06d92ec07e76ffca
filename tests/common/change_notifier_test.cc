// The change notifier: signals on Notify, on every tick, and on Close.
#include "services/common/change_notifier.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace ismap::liu {
namespace {

using Signal = ChangeNotifier::Signal;

TEST(ChangeNotifierTest, NotifySignalsEverySubscriberUntilItUnsubscribes) {
  ChangeNotifier notifier(absl::Hours(1));  // No tick during the test.
  std::atomic<int> first{0};
  std::atomic<int> second{0};
  const int64_t a = *notifier.Subscribe([&](Signal signal) {
    if (signal == Signal::kChanged) ++first;
  });
  const int64_t b = *notifier.Subscribe([&](Signal signal) {
    if (signal == Signal::kChanged) ++second;
  });
  EXPECT_NE(a, b);
  notifier.Notify();
  notifier.Unsubscribe(a);
  notifier.Notify();
  EXPECT_EQ(first.load(), 1);
  EXPECT_EQ(second.load(), 2);
  notifier.Unsubscribe(b);
  notifier.Unsubscribe(b);  // Unknown ids are ignored.
}

TEST(ChangeNotifierTest, TheTickerSignalsEachPeriod) {
  ChangeNotifier notifier(absl::Milliseconds(20));
  std::atomic<int> ticks{0};
  absl::Notification three;
  const int64_t id = *notifier.Subscribe([&](Signal signal) {
    if (signal == Signal::kChanged && ++ticks == 3) three.Notify();
  });
  EXPECT_TRUE(three.WaitForNotificationWithTimeout(absl::Seconds(10)));
  notifier.Unsubscribe(id);
}

TEST(ChangeNotifierTest, CloseSignalsClosingAndRefusesNewSubscribers) {
  ChangeNotifier notifier(absl::Hours(1));
  std::atomic<int> closing{0};
  std::atomic<int> changed{0};
  const int64_t id = *notifier.Subscribe([&](Signal signal) {
    ++(signal == Signal::kClosing ? closing : changed);
  });
  notifier.Close();
  notifier.Close();   // Idempotent.
  notifier.Notify();  // Nothing once closed.
  EXPECT_EQ(closing.load(), 1);
  EXPECT_EQ(changed.load(), 0);
  EXPECT_EQ(notifier.Subscribe([](Signal) {}).status().code(),
            absl::StatusCode::kUnavailable);
  notifier.Unsubscribe(id);
}

}  // namespace
}  // namespace ismap::liu
