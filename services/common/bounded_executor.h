// A fixed pool of worker threads with a bounded queue: where handlers do slow
// or durable work (storage, calls to other services), so that gRPC's reactor
// threads never block and an overloaded server refuses work instead of
// queueing it without limit.
#ifndef ISMAP_LIU_SERVICES_COMMON_BOUNDED_EXECUTOR_H_
#define ISMAP_LIU_SERVICES_COMMON_BOUNDED_EXECUTOR_H_

#include <cstddef>
#include <deque>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace ismap::liu {

class BoundedExecutor {
 public:
  // Starts `threads` workers (at least 1) serving a queue that holds at most
  // `capacity` waiting tasks (at least 1).
  BoundedExecutor(int threads, size_t capacity);

  // Calls Shutdown().
  ~BoundedExecutor();

  BoundedExecutor(const BoundedExecutor&) = delete;
  BoundedExecutor& operator=(const BoundedExecutor&) = delete;

  // Queues `task` to run on a worker. Returns false, without running or
  // keeping the task, when the queue is full or the executor is shutting
  // down. Thread-safe.
  bool TrySchedule(absl::AnyInvocable<void() &&> task);

  // Stops accepting tasks, runs every task already queued, and joins the
  // workers. Idempotent. Thread-safe, but must not be called from a task.
  void Shutdown();

 private:
  void WorkLoop();
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t capacity_;
  absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void() &&>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;  // Written only by the constructor and
                                      // the first Shutdown().
  absl::Mutex shutdown_mu_;           // Serialises Shutdown() calls.
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_BOUNDED_EXECUTOR_H_
