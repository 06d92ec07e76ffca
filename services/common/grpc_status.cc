// Status conversion and field-violation collection.
#include "services/common/grpc_status.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ismap::liu {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  const std::string message(status.message());
  const absl::optional<absl::Cord> payload = status.GetPayload(kBadRequestTypeUrl);
  if (!payload.has_value()) return grpc::Status(code, message);

  v1::StatusDetails details;
  details.set_code(static_cast<int32_t>(code));
  details.set_message(message);
  google::protobuf::Any* any = details.add_details();
  any->set_type_url(std::string(kBadRequestTypeUrl));
  any->set_value(std::string(*payload));
  return grpc::Status(code, message, details.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status result(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
  v1::StatusDetails details;
  if (!status.error_details().empty() &&
      details.ParseFromString(status.error_details())) {
    for (const google::protobuf::Any& any : details.details()) {
      if (any.type_url() == kBadRequestTypeUrl) {
        result.SetPayload(kBadRequestTypeUrl, absl::Cord(any.value()));
      }
    }
  }
  return result;
}

std::vector<v1::FieldViolation> FieldViolationsOf(const absl::Status& status) {
  const absl::optional<absl::Cord> payload = status.GetPayload(kBadRequestTypeUrl);
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
