// Shared fixtures of the audit-domain tests: the repository's control catalog,
// seeded random dates that favour month ends and leap days, and an oracle for
// corresponding-day month arithmetic written independently of Abseil's
// normalisation.
#ifndef ISMAP_LIU_TESTS_AUDIT_DOMAIN_AUDIT_DOMAIN_TESTING_H_
#define ISMAP_LIU_TESTS_AUDIT_DOMAIN_AUDIT_DOMAIN_TESTING_H_

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <utility>

#include "absl/time/civil_time.h"
#include "google/protobuf/text_format.h"
#include "ismap/liu/v1/rules.pb.h"
#include "services/audit/domain/control_scope.h"
#include "services/common/file_contents.h"

namespace ismap::liu::audit::testing {

// The repository's rules/control_catalog.textproto, parsed once. Aborts the
// test binary, saying why, if the file cannot be read or parsed.
inline const v1::ControlCatalog& RepositoryCatalog() {
  static const v1::ControlCatalog* const catalog = [] {
    const std::string path =
        std::string(LIU_SOURCE_DIR) + "/rules/control_catalog.textproto";
    const absl::StatusOr<std::string> text = ReadFileContents(path);
    auto* parsed = new v1::ControlCatalog();
    if (!text.ok() ||
        !google::protobuf::TextFormat::ParseFromString(*text, parsed)) {
      std::fprintf(stderr, "cannot load %s\n", path.c_str());
      std::abort();
    }
    return parsed;
  }();
  return *catalog;
}

// The repository's catalog, indexed once.
inline const ControlCriteria& RepositoryCriteria() {
  static const ControlCriteria* const criteria = [] {
    absl::StatusOr<ControlCriteria> created =
        ControlCriteria::Create(RepositoryCatalog());
    if (!created.ok()) {
      std::fprintf(stderr, "cannot index the catalog: %s\n",
                   created.status().ToString().c_str());
      std::abort();
    }
    return new ControlCriteria(*std::move(created));
  }();
  return *criteria;
}

// Uniform integer in [lo, hi].
inline int64_t Uniform(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

// True with probability `p`.
inline bool Chance(std::mt19937_64& rng, double p) {
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng) < p;
}

inline bool IsLeapYear(int64_t year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

inline int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Corresponding day (応当日) `months` after `day`, or the first of the next
// month when there is none: the oracle for MonthsLater, by table.
inline absl::CivilDay OracleMonthsLater(absl::CivilDay day, int64_t months) {
  const int64_t index = day.year() * 12 + (day.month() - 1) + months;
  int64_t year = index / 12;
  int month = static_cast<int>(index % 12) + 1;
  if (day.day() <= DaysInMonth(year, month)) {
    return absl::CivilDay(year, month, day.day());
  }
  if (++month == 13) {
    month = 1;
    ++year;
  }
  return absl::CivilDay(year, month, 1);
}

// A day in 1996..2079: a quarter of the time the last day of a month, an
// eighth 29 February, an eighth the 29th or 30th, otherwise any day.
inline absl::CivilDay RandomDay(std::mt19937_64& rng) {
  const int64_t year = Uniform(rng, 1996, 2079);
  const int month = static_cast<int>(Uniform(rng, 1, 12));
  const int64_t kind = Uniform(rng, 0, 7);
  if (kind < 2) return absl::CivilDay(year, month, DaysInMonth(year, month));
  if (kind == 2) {
    const int64_t leap = year - year % 4;
    return absl::CivilDay(IsLeapYear(leap) ? leap : leap + 4, 2, 29);
  }
  if (kind == 3) {
    return absl::CivilDay(
        year, month,
        std::min<int>(DaysInMonth(year, month),
                      static_cast<int>(Uniform(rng, 29, 30))));
  }
  return absl::CivilDay(
      year, month, static_cast<int>(Uniform(rng, 1, DaysInMonth(year, month))));
}

}  // namespace ismap::liu::audit::testing

#endif  // ISMAP_LIU_TESTS_AUDIT_DOMAIN_AUDIT_DOMAIN_TESTING_H_
