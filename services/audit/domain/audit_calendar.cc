// Corresponding-day month arithmetic and audit periods.
#include "services/audit/domain/audit_calendar.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ismap::liu::audit {
namespace {

absl::Status CheckPeriodMonths(int period_months) {
  if (period_months < 1 || period_months > 12) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the audit period must be 1 to 12 months long, is ", period_months));
  }
  return absl::OkStatus();
}

// First day of audit year `audit_year` (>= 1).
absl::CivilDay StartOf(absl::CivilDay registration, int64_t audit_year,
                       int period_months) {
  return MonthsLater(registration, (audit_year - 1) * period_months);
}

}  // namespace

absl::CivilDay MonthsLater(absl::CivilDay start, int64_t months) {
  const absl::CivilMonth month = absl::CivilMonth(start) + months;
  // CivilDay normalises a day past the end of its month into the next month;
  // the corresponding day exists exactly when that did not happen.
  const absl::CivilDay corresponding(month.year(), month.month(), start.day());
  if (absl::CivilMonth(corresponding) == month) return corresponding;
  return absl::CivilDay(month + 1);
}

absl::StatusOr<AuditPeriod> AuditPeriodOf(absl::CivilDay registration,
                                          int audit_year, int period_months) {
  if (audit_year < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("audit years start at 1, not ", audit_year));
  }
  if (absl::Status months = CheckPeriodMonths(period_months); !months.ok()) {
    return months;
  }
  return AuditPeriod{
      StartOf(registration, audit_year, period_months),
      StartOf(registration, int64_t{audit_year} + 1, period_months) - 1};
}

absl::StatusOr<int> AuditYearOf(absl::CivilDay registration, absl::CivilDay day,
                                int period_months) {
  if (absl::Status months = CheckPeriodMonths(period_months); !months.ok()) {
    return months;
  }
  if (day < registration) return 0;
  // The month count puts `day` in this year or the one before it.
  int64_t year =
      (absl::CivilMonth(day) - absl::CivilMonth(registration)) / period_months +
      1;
  if (StartOf(registration, year, period_months) > day) --year;
  return static_cast<int>(year);
}

}  // namespace ismap::liu::audit
