// Reaching a service that runs as several replicas (#8): from an address
// list "host:port,host:port" to the gRPC target that resolves to every
// replica, and the channel settings that spread calls over them.
//
//   ASSIGN_OR_RETURN(const std::string target, ReplicaTarget(flag_value));
//   grpc::ChannelArguments arguments;
//   UseRoundRobin(&arguments);
//   UseReplicaAuthority(target, &arguments);
//   auto channel = grpc::CreateCustomChannel(target, credentials, arguments);
#ifndef ISMAP_LIU_SERVICES_COMMON_GRPC_TARGET_H_
#define ISMAP_LIU_SERVICES_COMMON_GRPC_TARGET_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/channel_arguments.h"

namespace ismap::liu {

// The entries of `addresses`, a comma-separated list of "host:port", with
// the spaces around each entry removed. A host is an IPv4 address, an IPv6
// address in brackets ("[::1]:5001") or a DNS name; a port is 1 to 65535.
// Errors: INVALID_ARGUMENT naming the first bad entry (an empty one among
// them). Pure.
absl::StatusOr<std::vector<std::string>> ReplicaAddresses(
    absl::string_view addresses);

// The gRPC target that resolves to every replica of `addresses`
// (ReplicaAddresses):
//   - one entry: itself, e.g. "127.0.0.1:5001" or "impact.example:443"
//     (a name may resolve to several addresses, one per replica);
//   - several IPv4 addresses: "ipv4:127.0.0.1:5001,127.0.0.1:5002";
//   - several IPv6 addresses: "ipv6:[::1]:5001,[::1]:5002".
// Errors: INVALID_ARGUMENT naming the entry, for what ReplicaAddresses
// refuses, for a list that mixes IPv4 and IPv6, and for a name in a list of
// several (gRPC resolves one name per channel: give a single name that
// resolves to every replica instead). Pure.
absl::StatusOr<std::string> ReplicaTarget(absl::string_view addresses);

// Has a channel made with `arguments` spread its calls over every address
// its target resolves to, in turn (the round_robin policy), skipping the
// replicas it cannot reach, instead of sending them all to the first that
// answers (pick_first, gRPC's default).
void UseRoundRobin(grpc::ChannelArguments* arguments);

// Has a channel made with `arguments` to `target` (a ReplicaTarget) name
// its first address as the server it calls, in the :authority header and in
// the TLS check of each replica's certificate; gRPC would otherwise take the
// whole list of an "ipv4:" or "ipv6:" target for one name, which no
// certificate matches. Changes nothing for a target of one entry.
void UseReplicaAuthority(absl::string_view target,
                         grpc::ChannelArguments* arguments);

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_GRPC_TARGET_H_
