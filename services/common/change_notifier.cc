// The notifier's subscriber table and ticker thread.
#include "services/common/change_notifier.h"

#include <utility>

#include "absl/status/status.h"

namespace ismap::liu {

ChangeNotifier::ChangeNotifier(absl::Duration period) : period_(period) {
  ticker_ = std::thread([this] { Tick(); });
}

ChangeNotifier::~ChangeNotifier() { Close(); }

absl::StatusOr<int64_t> ChangeNotifier::Subscribe(Callback callback) {
  absl::MutexLock lock(&mu_);
  if (closed_) {
    return absl::UnavailableError(
        "the server is shutting down; resume from the last sequence seen");
  }
  const int64_t id = next_id_++;
  subscribers_.emplace(id, std::move(callback));
  return id;
}

void ChangeNotifier::Unsubscribe(int64_t id) {
  absl::MutexLock lock(&mu_);
  subscribers_.erase(id);
}

void ChangeNotifier::Notify() {
  absl::MutexLock lock(&mu_);
  if (!closed_) SignalAll(Signal::kChanged);
}

void ChangeNotifier::Close() {
  {
    absl::MutexLock lock(&mu_);
    if (closed_) return;
    closed_ = true;
    SignalAll(Signal::kClosing);
  }
  ticker_.join();
}

void ChangeNotifier::SignalAll(Signal signal) {
  for (auto& [id, callback] : subscribers_) callback(signal);
}

void ChangeNotifier::Tick() {
  absl::MutexLock lock(&mu_);
  while (!closed_) {
    // Wakes early only on Close (closed_ changes).
    if (!mu_.AwaitWithTimeout(absl::Condition(&closed_), period_)) {
      SignalAll(Signal::kChanged);
    }
  }
}

}  // namespace ismap::liu
