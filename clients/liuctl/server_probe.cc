// Health and reflection calls over gRPC's generic stub.
#include "clients/liuctl/server_probe.h"

#include <algorithm>

#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "services/common/grpc_status.h"

namespace ismap::liu {
namespace {

using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

absl::StatusOr<std::string> FromBuffer(const grpc::ByteBuffer& buffer) {
  grpc::Slice slice;
  if (!buffer.TrySingleSlice(&slice).ok() &&
      !buffer.DumpToSingleSlice(&slice).ok()) {
    return absl::DataLossError("unreadable response");
  }
  return std::string(reinterpret_cast<const char*>(slice.begin()),
                     slice.size());
}

// A message whose only field is the string `value` at `number`.
std::string StringFieldMessage(int number, const std::string& value) {
  UnknownFieldSet message;
  message.AddLengthDelimited(number, value);
  std::string bytes;
  message.SerializeToString(&bytes);
  return bytes;
}

// Waits for the completion queue's next event; false if the operation failed.
bool Await(grpc::CompletionQueue& queue) {
  void* tag = nullptr;
  bool ok = false;
  return queue.Next(&tag, &ok) && ok;
}

}  // namespace

const char* ServingStatusName(ServingStatus status) {
  switch (status) {
    case ServingStatus::kServing:
      return "SERVING";
    case ServingStatus::kNotServing:
      return "NOT_SERVING";
    case ServingStatus::kServiceUnknown:
      return "SERVICE_UNKNOWN";
    case ServingStatus::kUnknown:
      break;
  }
  return "UNKNOWN";
}

absl::StatusOr<ServingStatus> CheckHealth(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
    absl::Duration timeout) {
  // HealthCheckRequest { string service = 1; }
  const std::string request_bytes = StringFieldMessage(1, service);

  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  grpc::CompletionQueue queue;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(&context, "/grpc.health.v1.Health/Check",
                            ToBuffer(request_bytes), &queue);
  call->StartCall();
  grpc::ByteBuffer response;
  grpc::Status status;
  call->Finish(&response, &status, nullptr);
  Await(queue);
  if (!status.ok()) return FromGrpcStatus(status);

  absl::StatusOr<std::string> bytes = FromBuffer(response);
  if (!bytes.ok()) return bytes.status();
  UnknownFieldSet fields;  // HealthCheckResponse { ServingStatus status = 1; }
  if (!fields.ParseFromString(*bytes)) {
    return absl::DataLossError("malformed health response");
  }
  ServingStatus result = ServingStatus::kUnknown;
  for (int i = 0; i < fields.field_count(); ++i) {
    const UnknownField& field = fields.field(i);
    if (field.number() == 1 && field.type() == UnknownField::TYPE_VARINT) {
      result = static_cast<ServingStatus>(field.varint());
    }
  }
  return result;
}

absl::StatusOr<std::vector<std::string>> ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout) {
  // ServerReflectionRequest { string list_services = 7; }
  const std::string request_bytes = StringFieldMessage(7, "*");

  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  grpc::CompletionQueue queue;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call = stub.PrepareCall(
      &context,
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &queue);
  call->StartCall(nullptr);
  grpc::ByteBuffer response;
  bool read = Await(queue);
  if (read) {
    call->Write(ToBuffer(request_bytes), nullptr);
    read = Await(queue);
  }
  if (read) {
    call->WritesDone(nullptr);
    read = Await(queue);
  }
  if (read) {
    call->Read(&response, nullptr);
    read = Await(queue);
  }
  grpc::Status status;
  call->Finish(&status, nullptr);
  Await(queue);
  if (!status.ok()) return FromGrpcStatus(status);
  if (!read) return absl::DataLossError("reflection sent no response");

  absl::StatusOr<std::string> bytes = FromBuffer(response);
  if (!bytes.ok()) return bytes.status();
  // ServerReflectionResponse { ListServiceResponse list_services_response = 6;
  // } ListServiceResponse { repeated ServiceResponse service = 1; }
  // ServiceResponse { string name = 1; }
  UnknownFieldSet fields;
  if (!fields.ParseFromString(*bytes)) {
    return absl::DataLossError("malformed reflection response");
  }
  std::vector<std::string> names;
  for (int i = 0; i < fields.field_count(); ++i) {
    if (fields.field(i).number() != 6 ||
        fields.field(i).type() != UnknownField::TYPE_LENGTH_DELIMITED) {
      continue;
    }
    UnknownFieldSet list;
    list.ParseFromString(fields.field(i).length_delimited());
    for (int j = 0; j < list.field_count(); ++j) {
      if (list.field(j).type() != UnknownField::TYPE_LENGTH_DELIMITED) continue;
      UnknownFieldSet service;
      service.ParseFromString(list.field(j).length_delimited());
      for (int k = 0; k < service.field_count(); ++k) {
        if (service.field(k).number() == 1 &&
            service.field(k).type() == UnknownField::TYPE_LENGTH_DELIMITED) {
          names.push_back(service.field(k).length_delimited());
        }
      }
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace ismap::liu
