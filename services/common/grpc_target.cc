// Address lists of replicas as gRPC targets.
#include "services/common/grpc_target.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "grpc/impl/codegen/grpc_types.h"

namespace ismap::liu {
namespace {

constexpr absl::string_view kIpv4Scheme = "ipv4:";
constexpr absl::string_view kIpv6Scheme = "ipv6:";

enum class HostKind { kIpv4, kIpv6, kName };

absl::Status BadEntry(absl::string_view entry, absl::string_view addresses,
                      absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("\"", entry, "\" in \"", addresses, "\": ", why));
}

// Whether `host` is a DNS name: dot-separated labels of letters, digits and
// inner hyphens, 1 to 63 characters each.
bool IsDnsName(absl::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (absl::string_view label : absl::StrSplit(host, '.')) {
    if (label.empty() || label.size() > 63 || label.front() == '-' ||
        label.back() == '-') {
      return false;
    }
    for (const char c : label) {
      if (!absl::ascii_isalnum(c) && c != '-') return false;
    }
  }
  return true;
}

// The kind of the host of `entry` ("host:port"), or why it is not one.
absl::StatusOr<HostKind> KindOf(absl::string_view entry,
                                absl::string_view addresses) {
  if (entry.empty()) return BadEntry(entry, addresses, "an empty entry");
  const size_t colon = entry.rfind(':');
  if (colon == absl::string_view::npos) {
    return BadEntry(entry, addresses, "not host:port");
  }
  const absl::string_view host = entry.substr(0, colon);
  const absl::string_view digits = entry.substr(colon + 1);
  int port = 0;
  if (digits.empty() ||
      !std::all_of(digits.begin(), digits.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(digits, &port) || port < 1 || port > 65535) {
    return BadEntry(entry, addresses, "the port is not 1 to 65535");
  }
  if (absl::StartsWith(host, "[") && absl::EndsWith(host, "]")) {
    const std::string literal(host.substr(1, host.size() - 2));
    in6_addr ipv6;
    if (inet_pton(AF_INET6, literal.c_str(), &ipv6) != 1) {
      return BadEntry(entry, addresses, "not an IPv6 address in brackets");
    }
    return HostKind::kIpv6;
  }
  if (absl::StrContains(host, ':')) {
    return BadEntry(entry, addresses,
                    "an IPv6 address goes in brackets: [address]:port");
  }
  in_addr ipv4;
  if (inet_pton(AF_INET, std::string(host).c_str(), &ipv4) == 1) {
    return HostKind::kIpv4;
  }
  if (!IsDnsName(host)) {
    return BadEntry(entry, addresses,
                    "the host is neither an IP address nor a DNS name");
  }
  return HostKind::kName;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ReplicaAddresses(
    absl::string_view addresses) {
  std::vector<std::string> entries;
  for (absl::string_view entry : absl::StrSplit(addresses, ',')) {
    entry = absl::StripAsciiWhitespace(entry);
    absl::StatusOr<HostKind> kind = KindOf(entry, addresses);
    if (!kind.ok()) return kind.status();
    entries.emplace_back(entry);
  }
  return entries;
}

absl::StatusOr<std::string> ReplicaTarget(absl::string_view addresses) {
  absl::StatusOr<std::vector<std::string>> entries =
      ReplicaAddresses(addresses);
  if (!entries.ok()) return entries.status();
  if (entries->size() == 1) return entries->front();
  // ReplicaAddresses checked every entry: only the kinds are left to compare.
  const HostKind first = *KindOf(entries->front(), addresses);
  for (const std::string& entry : *entries) {
    const HostKind kind = *KindOf(entry, addresses);
    if (kind == HostKind::kName) {
      return BadEntry(entry, addresses,
                      "a list of replicas holds IP addresses only; give a "
                      "single name that resolves to every replica instead");
    }
    if (kind != first) {
      return BadEntry(entry, addresses,
                      "a list of replicas is all IPv4 or all IPv6");
    }
  }
  return absl::StrCat(first == HostKind::kIpv4 ? kIpv4Scheme : kIpv6Scheme,
                      absl::StrJoin(*entries, ","));
}

void UseRoundRobin(grpc::ChannelArguments* arguments) {
  arguments->SetLoadBalancingPolicyName("round_robin");
}

void UseReplicaAuthority(absl::string_view target,
                         grpc::ChannelArguments* arguments) {
  if (!absl::ConsumePrefix(&target, kIpv4Scheme) &&
      !absl::ConsumePrefix(&target, kIpv6Scheme)) {
    return;
  }
  const absl::string_view first = target.substr(0, target.find(','));
  arguments->SetString(GRPC_ARG_DEFAULT_AUTHORITY, std::string(first));
}

}  // namespace ismap::liu
