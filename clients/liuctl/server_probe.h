// Asks a running server what it serves, through the two standard protocols
// every server of the product speaks without a token: grpc.health.v1 and
// server reflection (grpc.reflection.v1alpha). The messages are encoded by
// field number, so no copy of those protocols' .proto files is needed.
#ifndef ISMAP_LIU_CLIENTS_LIUCTL_SERVER_PROBE_H_
#define ISMAP_LIU_CLIENTS_LIUCTL_SERVER_PROBE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"

namespace ismap::liu {

// grpc.health.v1.HealthCheckResponse.ServingStatus.
enum class ServingStatus {
  kUnknown = 0,
  kServing = 1,
  kNotServing = 2,
  kServiceUnknown = 3,
};

// "SERVING", "NOT_SERVING", ...
const char* ServingStatusName(ServingStatus status);

// Health of `service` ("" for the whole server). The call's error (e.g.
// NOT_FOUND for a service the server does not know, UNAVAILABLE when nothing
// listens) as a status.
absl::StatusOr<ServingStatus> CheckHealth(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
    absl::Duration timeout);

// Full names of the services the server lists through reflection.
absl::StatusOr<std::vector<std::string>> ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout);

}  // namespace ismap::liu

#endif  // ISMAP_LIU_CLIENTS_LIUCTL_SERVER_PROBE_H_
