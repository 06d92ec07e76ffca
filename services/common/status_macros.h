// RETURN_IF_ERROR and ASSIGN_OR_RETURN for absl::Status / absl::StatusOr.
//
// Abseil 20220623 (Debian 12) does not ship these; every service uses the two
// macros from here.
#ifndef ISMAP_LIU_SERVICES_COMMON_STATUS_MACROS_H_
#define ISMAP_LIU_SERVICES_COMMON_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Evaluates `expr` (an absl::Status) once and returns it from the enclosing
// function if it is not OK.
#define RETURN_IF_ERROR(expr) \
  LIU_RETURN_IF_ERROR_IMPL(   \
      LIU_STATUS_MACROS_CONCAT(liu_status_macro_status_, __COUNTER__), expr)

#define LIU_RETURN_IF_ERROR_IMPL(status, expr) \
  do {                                         \
    ::absl::Status status = (expr);            \
    if (!status.ok()) return status;           \
  } while (false)

// Unique names (__COUNTER__) keep nested uses, e.g. in a lambda passed to an
// outer use, from shadowing each other.
#define LIU_STATUS_MACROS_CONCAT_INNER(x, y) x##y
#define LIU_STATUS_MACROS_CONCAT(x, y) LIU_STATUS_MACROS_CONCAT_INNER(x, y)

// Evaluates `rexpr` (an absl::StatusOr<T>) once; returns its status from the
// enclosing function if it is not OK, otherwise moves its value into `lhs`,
// which may be a declaration (`auto x`) or an existing variable.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  LIU_ASSIGN_OR_RETURN_IMPL(         \
      LIU_STATUS_MACROS_CONCAT(liu_status_or_value_, __COUNTER__), lhs, rexpr)

#define LIU_ASSIGN_OR_RETURN_IMPL(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                              \
  if (!statusor.ok()) {                                 \
    return std::move(statusor).status();                \
  }                                                     \
  lhs = std::move(statusor).value()

#endif  // ISMAP_LIU_SERVICES_COMMON_STATUS_MACROS_H_
