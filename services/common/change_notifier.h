// Wakes the readers of a change feed (Watch* RPCs) without their blocking a
// thread: whoever commits a change calls Notify(), and a ticker signals every
// subscriber once per period as well, so that changes another process commits
// to a shared database are seen within the period too.
#ifndef ISMAP_LIU_SERVICES_COMMON_CHANGE_NOTIFIER_H_
#define ISMAP_LIU_SERVICES_COMMON_CHANGE_NOTIFIER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace ismap::liu {

// Thread-safe.
class ChangeNotifier {
 public:
  // What a subscriber is told.
  enum class Signal {
    kChanged,  // Something may have been committed: read the feed again.
    kClosing,  // The notifier is closing (server shutdown): end the stream.
  };
  // Called with the notifier's lock held, so calls never overlap: must be
  // quick, must not block and must not call back into the notifier.
  using Callback = std::function<void(Signal)>;

  // Starts the ticker, which signals kChanged to every subscriber each
  // `period` (positive).
  explicit ChangeNotifier(absl::Duration period);

  // Calls Close(). Every subscription must have been cancelled.
  ~ChangeNotifier();

  ChangeNotifier(const ChangeNotifier&) = delete;
  ChangeNotifier& operator=(const ChangeNotifier&) = delete;

  // Registers `callback` until Unsubscribe(id). UNAVAILABLE once closed.
  absl::StatusOr<int64_t> Subscribe(Callback callback);

  // Cancels a subscription. When it returns, its callback is not running and
  // will not run again. Unknown ids are ignored.
  void Unsubscribe(int64_t id);

  // Signals kChanged to every subscriber; nothing once closed. Call after a
  // change commits.
  void Notify();

  // Stops the ticker and signals kClosing to every subscriber; later
  // Subscribe calls fail. Idempotent; must not be called from a callback.
  void Close();

 private:
  void Tick();
  void SignalAll(Signal signal) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const absl::Duration period_;
  absl::Mutex mu_;
  std::map<int64_t, Callback> subscribers_ ABSL_GUARDED_BY(mu_);
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::thread ticker_;  // Joined by the first Close().
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_CHANGE_NOTIFIER_H_
