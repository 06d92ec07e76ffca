// JSON Web Tokens: verification of RS256 and ES256 tokens against a JSON Web
// Key Set, and signing (used to mint development tokens and by tests).
//
// Only what the product needs is accepted: the algorithm must be RS256 or
// ES256 AND must be the algorithm of the key the token's `kid` names, so
// `alg: none`, HS256 signed with a public key, or a key used with another
// algorithm than its own never verify. Written on OpenSSL 3 and nlohmann-json:
// Debian's libjwt 1.10 cannot pin the algorithm to the key and reads no JWKS.
#ifndef ISMAP_LIU_SERVICES_COMMON_IDENTITY_JWT_H_
#define ISMAP_LIU_SERVICES_COMMON_IDENTITY_JWT_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/common/authenticator.h"
#include "services/common/caller.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace ismap::liu {

// The signature algorithms accepted.
enum class JwtAlgorithm { kRs256, kEs256 };

// Owns an OpenSSL key.
struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* key) const;
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;

// The public keys trusted to sign tokens, by key id, as read from a JWKS
// document (RFC 7517): RSA keys (`kty: RSA`, at least 2048 bits) for RS256 and
// P-256 keys (`kty: EC`, `crv: P-256`) for ES256. Several keys at once allow
// rotation. Immutable after parsing; thread-safe.
class JwtKeySet {
 public:
  struct Key {
    JwtAlgorithm algorithm;
    std::shared_ptr<EVP_PKEY> public_key;
  };

  // Parses a JWKS document. INVALID_ARGUMENT naming the key (by index and kid)
  // for a malformed key, an unsupported kty/crv/alg, a duplicate or missing
  // kid, or an RSA key under 2048 bits; also if no key is usable.
  static absl::StatusOr<JwtKeySet> FromJwks(absl::string_view jwks_json);

  // The key named `kid`, or nullptr.
  const Key* Find(const std::string& kid) const;

 private:
  std::map<std::string, Key> keys_;
};

// What a token must say, besides a valid signature.
struct JwtExpectations {
  std::string issuer;    // `iss` must equal it.
  std::string audience;  // `aud` (a string or an array) must contain it.
  absl::Duration clock_skew = absl::Seconds(60);  // Leeway for exp and nbf.
};

// Claims that carry the programme identity of a caller.
inline constexpr char kRoleClaim[] = "liu_role";         // csp|ministry|ipa
inline constexpr char kOrganisationClaim[] = "liu_org";  // e.g. "mlit"

// Verifies bearer tokens as JWTs. Immutable; thread-safe.
class JwtAuthenticator final : public Authenticator {
 public:
  JwtAuthenticator(JwtKeySet keys, JwtExpectations expectations)
      : keys_(std::move(keys)), expectations_(std::move(expectations)) {}

  // UNAUTHENTICATED for any token that is not a well-formed JWT signed by a
  // trusted key with the key's algorithm, issued by the expected issuer for
  // the expected audience, within exp/nbf (with the clock skew), and carrying
  // `sub`, `liu_role` and `liu_org` claims of the right form.
  absl::StatusOr<Caller> Authenticate(absl::string_view bearer_token,
                                      absl::Time now) const override;

 private:
  const JwtKeySet keys_;
  const JwtExpectations expectations_;
};

// Claims of a token to sign.
struct JwtClaims {
  std::string issuer;
  std::string audience;
  Caller caller;
  absl::Time not_before;
  absl::Time expiry;
};

// Signs `claims` with `private_key` (RSA for RS256, P-256 for ES256) under key
// id `kid`. INVALID_ARGUMENT if the key does not fit the algorithm.
absl::StatusOr<std::string> SignJwt(const JwtClaims& claims,
                                    JwtAlgorithm algorithm,
                                    EVP_PKEY* private_key,
                                    const std::string& kid);

// Signs the given header and claims JSON texts as they are (a lower level of
// SignJwt, e.g. to make tokens with unusual claims).
absl::StatusOr<std::string> SignJwtJson(absl::string_view header_json,
                                        absl::string_view claims_json,
                                        JwtAlgorithm algorithm,
                                        EVP_PKEY* private_key);

// The public half of `key` as one JWK (a JSON object) with `kid` and `alg`.
absl::StatusOr<std::string> PublicJwk(EVP_PKEY* key, JwtAlgorithm algorithm,
                                      const std::string& kid);

// The caller a token claims to name, read WITHOUT verifying its signature,
// issuer, audience or validity period: for a client to learn whom its own
// token names (liuctl's defaults). A server never uses it; it authenticates
// with JwtAuthenticator. INVALID_ARGUMENT when the token is not a JWT with
// `sub`, `liu_role` and `liu_org` claims of the right form.
absl::StatusOr<Caller> ReadClaimedCaller(absl::string_view token);

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_IDENTITY_JWT_H_
