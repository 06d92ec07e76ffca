// The audit calendar (監査の暦): months and years reckoned by corresponding
// day (応当日), and the audit periods (監査対象期間) of a registered service.
//
// Pure and deterministic; every function is thread-safe.
#ifndef ISMAP_LIU_SERVICES_AUDIT_DOMAIN_AUDIT_CALENDAR_H_
#define ISMAP_LIU_SERVICES_AUDIT_DOMAIN_AUDIT_CALENDAR_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace ismap::liu::audit {

// A run of whole days, both ends included.
struct AuditPeriod {
  absl::CivilDay first_day;
  absl::CivilDay last_day;

  friend bool operator==(const AuditPeriod& a, const AuditPeriod& b) {
    return a.first_day == b.first_day && a.last_day == b.last_day;
  }
};

// The day on which a period of `months` months starting on `start` is over,
// as periods are reckoned in Japan (民法第143条): the corresponding day
// (応当日) `months` months later, or, when that month has no such day, the
// first day of the month after it. So 2024-02-29 + 12 months is 2025-03-01
// (the year ran to 2025-02-28) and 2023-01-31 + 1 month is 2023-03-01.
// `months` must not be negative.
absl::CivilDay MonthsLater(absl::CivilDay start, int64_t months);

// The audit period of `audit_year` (1-based) of a service registered on
// `registration`, periods being `period_months` long: audit year k runs from
// MonthsLater(registration, (k-1)·period_months) to the day before
// MonthsLater(registration, k·period_months). So periods are back to back
// with no gap, year 1 starts on the registration day, and none is longer than
// `period_months` months from its own first day. INVALID_ARGUMENT if
// `audit_year` < 1 or `period_months` is not in 1..12.
absl::StatusOr<AuditPeriod> AuditPeriodOf(absl::CivilDay registration,
                                          int audit_year, int period_months);

// The audit year whose period holds `day`, or 0 if `day` is before
// `registration`. INVALID_ARGUMENT if `period_months` is not in 1..12.
absl::StatusOr<int> AuditYearOf(absl::CivilDay registration, absl::CivilDay day,
                                int period_months);

}  // namespace ismap::liu::audit

#endif  // ISMAP_LIU_SERVICES_AUDIT_DOMAIN_AUDIT_CALENDAR_H_
