// Timestamp conversions and civil days of the audit calendar.
#include "services/audit/domain/audit_time.h"

#include <cstdint>

namespace ismap::liu::audit {
namespace {

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, as google.protobuf.Timestamp
// defines its range.
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;

}  // namespace

bool IsValidTimestamp(const google::protobuf::Timestamp& timestamp) {
  return timestamp.seconds() >= kMinSeconds &&
         timestamp.seconds() <= kMaxSeconds && timestamp.nanos() >= 0 &&
         timestamp.nanos() < 1'000'000'000;
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) +
         absl::Nanoseconds(timestamp.nanos());
}

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  const absl::Time seconds = absl::FromUnixSeconds(absl::ToUnixSeconds(time));
  google::protobuf::Timestamp timestamp;
  // ToUnixSeconds rounds towards negative infinity, so the remainder is in
  // [0, 1 s).
  timestamp.set_seconds(absl::ToUnixSeconds(time));
  timestamp.set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(time - seconds)));
  return timestamp;
}

absl::CivilDay DayOf(absl::Time time, absl::TimeZone zone) {
  return absl::ToCivilDay(time, zone);
}

absl::Time StartOfDay(absl::CivilDay day, absl::TimeZone zone) {
  return absl::FromCivil(day, zone);
}

TimeRange RangeOf(const AuditPeriod& period, absl::TimeZone zone) {
  return {StartOfDay(period.first_day, zone),
          StartOfDay(period.last_day + 1, zone)};
}

}  // namespace ismap::liu::audit
