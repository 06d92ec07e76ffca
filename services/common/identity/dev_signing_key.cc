// Creating, storing and using the development signing key.
#include "services/common/identity/dev_signing_key.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "services/common/digest.h"
#include "services/common/file_contents.h"
#include "services/common/status_macros.h"

namespace ismap::liu {
namespace {

// Creates `path` with `content`, readable by its owner only, all at once:
// the content goes to a temporary file that is synced and then linked into
// place, so a crash never leaves a partial key. ALREADY_EXISTS if `path`
// exists (another process created it first).
absl::Status CreatePrivateFile(const std::string& path,
                               const std::string& content) {
  std::string temporary = path + ".XXXXXX";
  const int fd = mkstemp(temporary.data());
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("cannot create a file beside ",
                                            path, ": ", std::strerror(errno)));
  }
  const bool written = fchmod(fd, 0600) == 0 &&
                       write(fd, content.data(), content.size()) ==
                           static_cast<ssize_t>(content.size()) &&
                       fsync(fd) == 0;
  close(fd);
  absl::Status status = absl::OkStatus();
  if (!written) {
    status = absl::InternalError(absl::StrCat("cannot write ", temporary));
  } else if (link(temporary.c_str(), path.c_str()) != 0) {
    status = errno == EEXIST
                 ? absl::AlreadyExistsError(path)
                 : absl::InternalError(absl::StrCat(
                       "cannot create ", path, ": ", std::strerror(errno)));
  }
  unlink(temporary.c_str());
  if (status.ok()) {
    const int dir =
        open(std::filesystem::path(path).parent_path().c_str(), O_RDONLY);
    if (dir >= 0) {
      fsync(dir);
      close(dir);
    }
  }
  return status;
}

absl::StatusOr<DevSigningKey> FromPem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr || !EVP_PKEY_is_a(key, "EC")) {
    EVP_PKEY_free(key);
    return absl::InvalidArgumentError("not a P-256 private key in PEM");
  }
  DevSigningKey result;
  result.private_key.reset(key);
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  if (length <= 0) return absl::InternalError("cannot encode the public key");
  result.kid =
      "dev-" + Sha256Hex(absl::string_view(reinterpret_cast<char*>(der),
                                           static_cast<size_t>(length)))
                   .substr(0, 16);
  OPENSSL_free(der);
  ASSIGN_OR_RETURN(std::string jwk,
                   PublicJwk(key, JwtAlgorithm::kEs256, result.kid));
  result.jwks = absl::StrCat("{\"keys\":[", jwk, "]}");
  return result;
}

absl::StatusOr<std::string> NewPrivateKeyPem() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) return absl::InternalError("cannot generate a P-256 key");
  BIO* bio = BIO_new(BIO_s_mem());
  const bool written = PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0,
                                                nullptr, nullptr) == 1;
  EVP_PKEY_free(key);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem =
      written && size > 0 ? std::string(data, size) : std::string();
  BIO_free(bio);
  if (pem.empty()) return absl::InternalError("cannot encode the new key");
  return pem;
}

}  // namespace

absl::StatusOr<DevSigningKey> LoadDevSigningKey(const std::string& key_file) {
  ASSIGN_OR_RETURN(const std::string pem, ReadFileContents(key_file));
  return FromPem(pem);
}

absl::StatusOr<DevSigningKey> LoadOrCreateDevSigningKey(
    const std::string& data_dir) {
  const std::filesystem::path dir(data_dir);
  const std::string key_file = (dir / kDevSigningKeyFile).string();
  absl::StatusOr<std::string> pem = ReadFileContents(key_file);
  if (absl::IsNotFound(pem.status())) {
    ASSIGN_OR_RETURN(const std::string created, NewPrivateKeyPem());
    const absl::Status status = CreatePrivateFile(key_file, created);
    // A concurrent start may have created it first; use that one.
    if (!status.ok() && !absl::IsAlreadyExists(status)) return status;
    pem = ReadFileContents(key_file);
  }
  if (!pem.ok()) return pem.status();
  ASSIGN_OR_RETURN(DevSigningKey key, FromPem(*pem));
  std::ofstream jwks((dir / kDevJwksFile).string(), std::ios::trunc);
  jwks << key.jwks << "\n";
  if (!jwks.flush()) {
    return absl::InternalError(
        absl::StrCat("cannot write ", (dir / kDevJwksFile).string()));
  }
  return key;
}

absl::StatusOr<std::string> MintDevToken(const DevSigningKey& key,
                                         const Caller& caller, absl::Time now,
                                         absl::Duration ttl) {
  if (!IsValidPrincipalId(caller.organisation)) {
    return absl::InvalidArgumentError(
        absl::StrCat("organisation \"", caller.organisation,
                     "\" must be 1-63 characters of [a-z0-9._-] starting with "
                     "a letter or digit"));
  }
  if (!IsValidPrincipalId(caller.subject)) {
    return absl::InvalidArgumentError(
        absl::StrCat("subject \"", caller.subject,
                     "\" must be 1-63 characters of [a-z0-9._-] starting with "
                     "a letter or digit"));
  }
  return SignJwt(
      JwtClaims{kDevTokenIssuer, kTokenAudience, caller, now, now + ttl},
      JwtAlgorithm::kEs256, key.private_key.get(), key.kid);
}

}  // namespace ismap::liu
