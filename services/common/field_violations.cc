// Field-violation collection.
#include "services/common/field_violations.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ismap::liu {

std::vector<v1::FieldViolation> FieldViolationsOf(const absl::Status& status) {
  const absl::optional<absl::Cord> payload =
      status.GetPayload(kBadRequestTypeUrl);
  v1::BadRequest details;
  if (!payload.has_value() || !details.ParseFromString(std::string(*payload))) {
    return {};
  }
  return {details.field_violations().begin(), details.field_violations().end()};
}

void FieldViolations::Add(std::string field, std::string description) {
  v1::FieldViolation* violation = details_.add_field_violations();
  violation->set_field(std::move(field));
  violation->set_description(std::move(description));
}

void FieldViolations::Merge(absl::string_view field_prefix,
                            const absl::Status& status) {
  if (status.ok()) return;
  std::vector<v1::FieldViolation> inner = FieldViolationsOf(status);
  if (inner.empty()) {
    Add(std::string(field_prefix), std::string(status.message()));
    return;
  }
  for (v1::FieldViolation& violation : inner) {
    std::string field =
        field_prefix.empty()
            ? violation.field()
            : absl::StrCat(field_prefix, violation.field().empty() ? "" : ".",
                           violation.field());
    Add(std::move(field), violation.description());
  }
}

absl::Status FieldViolations::ToStatus() const {
  if (empty()) return absl::OkStatus();
  const std::string message = absl::StrCat(
      "invalid request: ",
      absl::StrJoin(details_.field_violations(), "; ",
                    [](std::string* out, const v1::FieldViolation& v) {
                      absl::StrAppend(out, v.field(), ": ", v.description());
                    }));
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kBadRequestTypeUrl,
                    absl::Cord(details_.SerializeAsString()));
  return status;
}

}  // namespace ismap::liu
