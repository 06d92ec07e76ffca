// Typed access to result rows.
#include "services/common/storage/database.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace ismap::liu::storage {
namespace {

absl::Status WrongColumn(size_t column, absl::string_view expected) {
  return absl::InternalError(
      absl::StrCat("column ", column, " is not ", expected));
}

constexpr absl::string_view kTransientConflictUrl =
    "ismap.liu/storage/transient-conflict";

}  // namespace

absl::Status TransientConflictError(absl::string_view message) {
  absl::Status status = absl::AbortedError(message);
  status.SetPayload(kTransientConflictUrl, absl::Cord("1"));
  return status;
}

bool IsTransientConflict(const absl::Status& status) {
  return absl::IsAborted(status) &&
         status.GetPayload(kTransientConflictUrl).has_value();
}

bool Row::IsNull(size_t column) const {
  return column >= values_.size() ||
         std::holds_alternative<std::monostate>(values_[column]);
}

absl::StatusOr<int64_t> Row::Int(size_t column) const {
  if (column < values_.size()) {
    if (const auto* v = std::get_if<int64_t>(&values_[column])) return *v;
  }
  return WrongColumn(column, "an integer");
}

absl::StatusOr<std::string> Row::Text(size_t column) const {
  if (column < values_.size()) {
    if (const auto* v = std::get_if<std::string>(&values_[column])) return *v;
  }
  return WrongColumn(column, "text");
}

absl::StatusOr<std::string> Row::Blob(size_t column) const {
  if (column < values_.size()) {
    if (const auto* v = std::get_if<Bytes>(&values_[column])) return v->data;
  }
  return WrongColumn(column, "bytes");
}

}  // namespace ismap::liu::storage
