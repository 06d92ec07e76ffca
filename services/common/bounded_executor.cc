// Worker loop of the bounded executor.
#include "services/common/bounded_executor.h"

#include <algorithm>
#include <utility>

namespace ismap::liu {

BoundedExecutor::BoundedExecutor(int threads, size_t capacity)
    : capacity_(std::max<size_t>(capacity, 1)) {
  const int count = std::max(threads, 1);
  workers_.reserve(count);
  for (int i = 0; i < count; ++i) {
    workers_.emplace_back([this] { WorkLoop(); });
  }
}

BoundedExecutor::~BoundedExecutor() { Shutdown(); }

bool BoundedExecutor::TrySchedule(absl::AnyInvocable<void() &&> task) {
  absl::MutexLock lock(&mu_);
  if (stopping_ || queue_.size() >= capacity_) return false;
  queue_.push_back(std::move(task));
  return true;
}

void BoundedExecutor::Shutdown() {
  absl::MutexLock shutdown_lock(&shutdown_mu_);
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

bool BoundedExecutor::HasWorkOrStopping() const {
  return stopping_ || !queue_.empty();
}

void BoundedExecutor::WorkLoop() {
  while (true) {
    absl::AnyInvocable<void() &&> task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &BoundedExecutor::HasWorkOrStopping));
      if (queue_.empty()) return;  // Stopping, and nothing left to run.
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    std::move(task)();
  }
}

}  // namespace ismap::liu
