// Minting and verification of development tokens.
#include "services/common/dev_token.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ismap::liu {
namespace {

constexpr absl::string_view kPrefix = "liudev1.";
constexpr size_t kKeyBytes = 32;

std::string Hmac(absl::string_view key, absl::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
       &out_len);
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

absl::Status Invalid(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("invalid token: ", why));
}

}  // namespace

absl::StatusOr<std::string> LoadDevTokenKey(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("no development key at ", path));
  }
  std::stringstream content;
  content << in.rdbuf();
  std::string key = content.str();
  if (key.size() < kKeyBytes) {
    return absl::FailedPreconditionError(absl::StrCat(
        "development key ", path, " is shorter than ", kKeyBytes, " bytes"));
  }
  return key;
}

absl::StatusOr<std::string> LoadOrCreateDevTokenKey(const std::string& path) {
  absl::StatusOr<std::string> existing = LoadDevTokenKey(path);
  if (!absl::IsNotFound(existing.status())) return existing;

  unsigned char random[kKeyBytes];
  if (RAND_bytes(random, sizeof(random)) != 1) {
    return absl::InternalError("no randomness for a development key");
  }
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    // Another process may have created it first; use theirs.
    if (errno == EEXIST) return LoadDevTokenKey(path);
    return absl::InternalError(
        absl::StrCat("cannot create ", path, ": ", std::strerror(errno)));
  }
  const bool written =
      write(fd, random, sizeof(random)) == static_cast<ssize_t>(sizeof(random)) &&
      fsync(fd) == 0;
  close(fd);
  if (!written) {
    return absl::InternalError(absl::StrCat("cannot write ", path));
  }
  return std::string(reinterpret_cast<const char*>(random), sizeof(random));
}

absl::StatusOr<std::string> MintDevToken(absl::string_view key,
                                         const Caller& caller,
                                         absl::Time expiry) {
  if (!IsValidPrincipalId(caller.organisation)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "organisation \"", caller.organisation,
        "\" must be 1-63 characters of [a-z0-9._-] starting with a letter or digit"));
  }
  if (!IsValidPrincipalId(caller.subject)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "subject \"", caller.subject,
        "\" must be 1-63 characters of [a-z0-9._-] starting with a letter or digit"));
  }
  const std::string claims =
      absl::StrCat(RoleName(caller.role), "\n", caller.organisation, "\n",
                   caller.subject, "\n", absl::ToUnixSeconds(expiry));
  const std::string signed_part =
      absl::StrCat(kPrefix, absl::WebSafeBase64Escape(claims));
  return absl::StrCat(signed_part, ".",
                      absl::WebSafeBase64Escape(Hmac(key, signed_part)));
}

absl::StatusOr<Caller> DevTokenAuthenticator::Authenticate(
    absl::string_view bearer_token, absl::Time now) const {
  if (!absl::StartsWith(bearer_token, kPrefix)) {
    return Invalid("not a development token");
  }
  const size_t dot = bearer_token.rfind('.');
  if (dot < kPrefix.size()) return Invalid("missing signature");
  const absl::string_view signed_part = bearer_token.substr(0, dot);
  std::string signature;
  if (!absl::WebSafeBase64Unescape(bearer_token.substr(dot + 1), &signature)) {
    return Invalid("signature is not base64url");
  }
  const std::string expected = Hmac(key_, signed_part);
  if (signature.size() != expected.size() ||
      CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0) {
    return Invalid("signature does not verify");
  }

  std::string claims;
  if (!absl::WebSafeBase64Unescape(signed_part.substr(kPrefix.size()),
                                   &claims)) {
    return Invalid("claims are not base64url");
  }
  const std::vector<absl::string_view> fields = absl::StrSplit(claims, '\n');
  int64_t expiry_seconds = 0;
  if (fields.size() != 4 || !absl::SimpleAtoi(fields[3], &expiry_seconds)) {
    return Invalid("malformed claims");
  }
  absl::StatusOr<Role> role = ParseRole(fields[0]);
  if (!role.ok() || !IsValidPrincipalId(fields[1]) ||
      !IsValidPrincipalId(fields[2])) {
    return Invalid("malformed claims");
  }
  if (now >= absl::FromUnixSeconds(expiry_seconds)) {
    return Invalid("expired");
  }
  return Caller{*role, std::string(fields[1]), std::string(fields[2])};
}

}  // namespace ismap::liu
