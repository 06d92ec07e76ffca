// The change-feed stream: reads on the worker pool, writes from the reactor.
#include "services/common/feed_stream.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace ismap::liu {
namespace {

// Entries read (and held in memory) at a time per stream.
constexpr int64_t kBatch = 100;

// A stream refused before it started: finishes at once.
class RefusedStream final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  explicit RefusedStream(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

class FeedStream final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  FeedStream(const FeedStreamDependencies& dependencies, Caller caller,
             absl::Time start, absl::Time deadline, int64_t after_sequence,
             FeedReader reader)
      : dependencies_(dependencies),
        caller_(std::move(caller)),
        start_(start),
        deadline_(deadline),
        reader_(std::move(reader)),
        cursor_(after_sequence) {}

  // Subscribes to the notifier and reads the stored events. Called once,
  // right after construction.
  void Begin() {
    absl::StatusOr<int64_t> subscription = dependencies_.notifier->Subscribe(
        [this](ChangeNotifier::Signal signal) { OnSignal(signal); });
    Step step;
    {
      absl::MutexLock lock(&mu_);
      if (subscription.ok()) {
        subscription_ = *subscription;
        wake_ = true;
      } else {
        end_ = subscription.status();
      }
      step = NextStep();
    }
    Run(step);
  }

  void OnWriteDone(bool ok) override {
    Step step;
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      queue_.pop_front();
      if (!ok && !end_.has_value()) {
        end_ = absl::CancelledError("the client stopped reading");
      }
      step = NextStep();
    }
    Run(step);
  }

  void OnCancel() override {
    Step step;
    {
      absl::MutexLock lock(&mu_);
      if (!end_.has_value()) {
        end_ = absl::Now() >= deadline_
                   ? absl::DeadlineExceededError("the client's deadline passed")
                   : absl::CancelledError("the client cancelled the stream");
      }
      step = NextStep();
    }
    Run(step);
  }

  void OnDone() override {
    std::optional<int64_t> subscription;
    {
      absl::MutexLock lock(&mu_);
      subscription = subscription_;
    }
    // Once Unsubscribe returns, no signal runs or will run. Not under mu_:
    // signals take it.
    if (subscription.has_value()) {
      dependencies_.notifier->Unsubscribe(*subscription);
    }
    bool last = false;
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
      last = tasks_ == 0;
    }
    if (last) delete this;
  }

 private:
  // What to do on the stream once the lock is released: at most one of
  // starting a write and finishing.
  struct Step {
    const grpc::ByteBuffer* write = nullptr;
    std::optional<grpc::Status> finish;
  };

  void OnSignal(ChangeNotifier::Signal signal) {
    Step step;
    {
      absl::MutexLock lock(&mu_);
      if (signal == ChangeNotifier::Signal::kClosing) {
        if (!end_.has_value()) {
          end_ = absl::UnavailableError(absl::StrCat(
              "the server is shutting down; watch again with after_sequence ",
              cursor_));
        }
      } else {
        wake_ = true;
      }
      step = NextStep();
    }
    Run(step);
  }

  // Decides the next step: finish once an end is wanted and no write is in
  // flight; else write the next queued event; else, with nothing queued,
  // read again when a signal came or the last batch was full.
  Step NextStep() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    Step step;
    if (finished_ || writing_) return step;
    if (end_.has_value()) {
      finished_ = true;
      step.finish = UnaryCallRunner::EndStream(
          dependencies_.service, dependencies_.method, caller_, start_, *end_);
      return step;
    }
    if (!queue_.empty()) {
      writing_ = true;
      step.write = &queue_.front();
      return step;
    }
    if (!fetching_ && (wake_ || more_)) {
      // When the pool is full the read waits for the next signal (the tick).
      if (dependencies_.executor->TrySchedule([this] { Fetch(); })) {
        fetching_ = true;
        ++tasks_;
      }
    }
    return step;
  }

  // Acts on `step`; touches nothing of this reactor afterwards, since a
  // finished reactor may be deleted at once.
  void Run(const Step& step) {
    if (step.write != nullptr) {
      StartWrite(step.write);
    } else if (step.finish.has_value()) {
      Finish(*step.finish);
    }
  }

  // On the worker pool: reads the next batch after the cursor.
  void Fetch() {
    int64_t after = 0;
    bool wanted = false;
    {
      absl::MutexLock lock(&mu_);
      wanted = !end_.has_value();
      after = cursor_;
      wake_ = false;
    }
    absl::StatusOr<std::vector<FeedEntry>> events;
    if (wanted) {
      events = reader_(
          after, kBatch,
          std::min(deadline_,
                   absl::Now() + dependencies_.runner->default_deadline()));
    }
    Step step;
    bool last = false;
    {
      absl::MutexLock lock(&mu_);
      fetching_ = false;
      --tasks_;
      if (wanted && !end_.has_value()) {
        if (events.ok()) {
          for (FeedEntry& entry : *events) {
            queue_.push_back(std::move(entry.message));
            cursor_ = entry.sequence;
          }
          more_ = static_cast<int64_t>(events->size()) == kBatch;
        } else {
          end_ = events.status();
        }
      }
      step = NextStep();
      last = done_ && tasks_ == 0;
    }
    Run(step);
    if (last) delete this;
  }

  const FeedStreamDependencies dependencies_;
  const Caller caller_;
  const absl::Time start_;
  const absl::Time deadline_;  // The client's.
  const FeedReader reader_;

  absl::Mutex mu_;
  std::optional<int64_t> subscription_ ABSL_GUARDED_BY(mu_);
  // The sequence of the last event read.
  int64_t cursor_ ABSL_GUARDED_BY(mu_);
  // Events read and not yet written; the front one is in flight while
  // writing_ (deque: pushing keeps its address).
  std::deque<grpc::ByteBuffer> queue_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool fetching_ ABSL_GUARDED_BY(mu_) = false;
  // A signal came since the last read began.
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  // The last read filled its batch: more may be stored.
  bool more_ ABSL_GUARDED_BY(mu_) = false;
  // Why the stream is to end, once it is to.
  std::optional<absl::Status> end_ ABSL_GUARDED_BY(mu_);
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  // Reads scheduled and not yet run: the reactor outlives them.
  int tasks_ ABSL_GUARDED_BY(mu_) = 0;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* RefuseFeedStream(
    const grpc::Status& status) {
  return new RefusedStream(status);
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* StartFeedStream(
    const FeedStreamDependencies& dependencies, const CallContext& call,
    absl::Time start, int64_t after_sequence, FeedReader reader) {
  auto* stream = new FeedStream(dependencies, call.caller, start, call.deadline,
                                after_sequence, std::move(reader));
  stream->Begin();
  return stream;
}

}  // namespace ismap::liu
