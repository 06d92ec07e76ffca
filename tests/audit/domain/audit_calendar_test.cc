// Audit periods: corresponding-day month arithmetic (民法第143条), periods back
// to back from the registration day, none longer than its month count.
#include "services/audit/domain/audit_calendar.h"

#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/audit/domain/audit_domain_testing.h"

namespace ismap::liu::audit {
namespace {

using absl::CivilDay;

TEST(AuditCalendarTest, MonthsLaterUsesTheCorrespondingDayOrTheNextMonth) {
  EXPECT_EQ(MonthsLater(CivilDay(2024, 4, 15), 12), CivilDay(2025, 4, 15));
  EXPECT_EQ(MonthsLater(CivilDay(2024, 2, 29), 12), CivilDay(2025, 3, 1));
  EXPECT_EQ(MonthsLater(CivilDay(2024, 2, 29), 48), CivilDay(2028, 2, 29));
  EXPECT_EQ(MonthsLater(CivilDay(2023, 1, 31), 1), CivilDay(2023, 3, 1));
  EXPECT_EQ(MonthsLater(CivilDay(2024, 1, 30), 1), CivilDay(2024, 3, 1));
  EXPECT_EQ(MonthsLater(CivilDay(2024, 1, 29), 1), CivilDay(2024, 2, 29));
  EXPECT_EQ(MonthsLater(CivilDay(2024, 8, 31), 1), CivilDay(2024, 10, 1));
  EXPECT_EQ(MonthsLater(CivilDay(2024, 12, 31), 2), CivilDay(2025, 3, 1));
  EXPECT_EQ(MonthsLater(CivilDay(2024, 5, 31), 0), CivilDay(2024, 5, 31));
}

TEST(AuditCalendarTest, LeapDayRegistrationYears) {
  const CivilDay registration(2024, 2, 29);
  EXPECT_EQ(*AuditPeriodOf(registration, 1, 12),
            (AuditPeriod{CivilDay(2024, 2, 29), CivilDay(2025, 2, 28)}));
  EXPECT_EQ(*AuditPeriodOf(registration, 2, 12),
            (AuditPeriod{CivilDay(2025, 3, 1), CivilDay(2026, 2, 28)}));
  EXPECT_EQ(*AuditPeriodOf(registration, 4, 12),
            (AuditPeriod{CivilDay(2027, 3, 1), CivilDay(2028, 2, 28)}));
  EXPECT_EQ(*AuditPeriodOf(registration, 5, 12),
            (AuditPeriod{CivilDay(2028, 2, 29), CivilDay(2029, 2, 28)}));
  EXPECT_EQ(*AuditYearOf(registration, CivilDay(2028, 2, 28), 12), 4);
  EXPECT_EQ(*AuditYearOf(registration, CivilDay(2028, 2, 29), 12), 5);
  EXPECT_EQ(*AuditYearOf(registration, CivilDay(2024, 2, 28), 12), 0);
}

TEST(AuditCalendarTest, RefusesBadYearsAndMonthCounts) {
  const CivilDay registration(2025, 4, 1);
  EXPECT_EQ(AuditPeriodOf(registration, 0, 12).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AuditPeriodOf(registration, 1, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AuditPeriodOf(registration, 1, 13).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AuditYearOf(registration, registration, 13).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Over random registrations (month ends and leap days favoured) and period
// lengths: MonthsLater agrees with a table-driven oracle; periods start at
// registration, are back to back and no longer than their month count; and
// AuditYearOf finds the year of every day.
TEST(AuditCalendarTest, PropertyPeriodsAreBackToBackAndBounded) {
  std::mt19937_64 rng(20260502);
  for (int run = 0; run < 10'000; ++run) {
    const CivilDay registration = testing::RandomDay(rng);
    const int months = testing::Chance(rng, 0.5)
                           ? 12
                           : static_cast<int>(testing::Uniform(rng, 1, 12));
    const int64_t shift = testing::Uniform(rng, 0, 150);
    ASSERT_EQ(MonthsLater(registration, shift),
              testing::OracleMonthsLater(registration, shift))
        << registration << " + " << shift;
    ASSERT_EQ(AuditPeriodOf(registration, 1, months)->first_day, registration);
    for (int year = 1; year <= 12; ++year) {
      const AuditPeriod period = *AuditPeriodOf(registration, year, months);
      const AuditPeriod next = *AuditPeriodOf(registration, year + 1, months);
      ASSERT_EQ(period.last_day + 1, next.first_day);
      ASSERT_LE(period.first_day, period.last_day);
      ASSERT_LE(period.last_day + 1,
                testing::OracleMonthsLater(period.first_day, months))
          << registration << " year " << year;
      ASSERT_EQ(*AuditYearOf(registration, period.first_day, months), year);
      ASSERT_EQ(*AuditYearOf(registration, period.last_day, months), year);
      const CivilDay inside =
          period.first_day +
          testing::Uniform(rng, 0, period.last_day - period.first_day);
      ASSERT_EQ(*AuditYearOf(registration, inside, months), year);
    }
    ASSERT_EQ(*AuditYearOf(registration, registration - 1, months), 0);
  }
}

}  // namespace
}  // namespace ismap::liu::audit
