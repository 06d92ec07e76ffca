// Instants and days of the audit calendar: protobuf timestamps to and from
// absl::Time, and the civil days of the programme's time zone
// (AuditPolicy.calendar_time_zone) that audit periods and due dates are made
// of.
//
// Pure; every function is thread-safe.
#ifndef ISMAP_LIU_SERVICES_AUDIT_DOMAIN_AUDIT_TIME_H_
#define ISMAP_LIU_SERVICES_AUDIT_DOMAIN_AUDIT_TIME_H_

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/audit/domain/audit_calendar.h"

namespace ismap::liu::audit {

// Whether `timestamp` is one the API accepts: seconds within years 0001 to
// 9999 (UTC) and nanos within [0, 1e9).
bool IsValidTimestamp(const google::protobuf::Timestamp& timestamp);

// The instant of `timestamp`, which must be valid.
absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp);

// The timestamp of `time`, truncated to nanoseconds.
google::protobuf::Timestamp ToTimestamp(absl::Time time);

// The civil day holding `time` in `zone`.
absl::CivilDay DayOf(absl::Time time, absl::TimeZone zone);

// The first instant of `day` in `zone` (its midnight).
absl::Time StartOfDay(absl::CivilDay day, absl::TimeZone zone);

// The half-open interval [start of first_day, start of the day after
// last_day) of `period` in `zone`.
struct TimeRange {
  absl::Time start;
  absl::Time end;
};
TimeRange RangeOf(const AuditPeriod& period, absl::TimeZone zone);

}  // namespace ismap::liu::audit

#endif  // ISMAP_LIU_SERVICES_AUDIT_DOMAIN_AUDIT_TIME_H_
