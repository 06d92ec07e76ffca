// JWT verification and signing on OpenSSL 3.
#include "services/common/identity/jwt.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <cmath>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "services/common/status_macros.h"

namespace ismap::liu {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxTokenBytes = 8 * 1024;
constexpr size_t kEs256CoordinateBytes = 32;
constexpr int kMinRsaBits = 2048;

struct BnDeleter {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnDeleter>;

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("invalid token: ", why));
}

const char* AlgorithmName(JwtAlgorithm algorithm) {
  return algorithm == JwtAlgorithm::kRs256 ? "RS256" : "ES256";
}

// Strict base64url (RFC 7515 §2): the URL-safe alphabet, no padding.
bool DecodeBase64Url(absl::string_view in, std::string* out) {
  for (char c : in) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_') return false;
  }
  return absl::WebSafeBase64Unescape(in, out);
}

std::string EncodeBase64Url(absl::string_view in) {
  return absl::WebSafeBase64Escape(in);
}

// Parses a JSON object; nullopt for anything else.
std::optional<Json> ParseObject(absl::string_view text) {
  Json json = Json::parse(text.begin(), text.end(), nullptr,
                          /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  return json;
}

std::optional<std::string> StringMember(const Json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// A NumericDate (RFC 7519 §2) member as a time, nullopt if absent or invalid.
std::optional<absl::Time> TimeMember(const Json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  const double seconds = it->get<double>();
  if (!std::isfinite(seconds) || std::fabs(seconds) > 1e12) return std::nullopt;
  return absl::FromUnixSeconds(static_cast<int64_t>(seconds));
}

bool IsPrintableId(absl::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

absl::StatusOr<std::shared_ptr<EVP_PKEY>> KeyFromParams(
    const char* type, OSSL_PARAM_BLD* builder) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(builder);
  EVP_PKEY_CTX* context = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* key = nullptr;
  const bool built =
      params != nullptr && context != nullptr &&
      EVP_PKEY_fromdata_init(context) == 1 &&
      EVP_PKEY_fromdata(context, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(context);
  OSSL_PARAM_free(params);
  if (!built) return absl::InvalidArgumentError("not a valid public key");
  std::shared_ptr<EVP_PKEY> shared(key, EVP_PKEY_free);
  EVP_PKEY_CTX* check = EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr);
  const bool valid = check != nullptr && EVP_PKEY_public_check(check) == 1;
  EVP_PKEY_CTX_free(check);
  if (!valid)
    return absl::InvalidArgumentError("the public key fails validation");
  return shared;
}

absl::StatusOr<std::string> Base64UrlMember(const Json& jwk, const char* name) {
  std::optional<std::string> encoded = StringMember(jwk, name);
  std::string decoded;
  if (!encoded.has_value() || !DecodeBase64Url(*encoded, &decoded) ||
      decoded.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", name, "\" must be a base64url string"));
  }
  return decoded;
}

absl::StatusOr<JwtKeySet::Key> ParseJwk(const Json& jwk) {
  const std::optional<std::string> kty = StringMember(jwk, "kty");
  const std::optional<std::string> use = StringMember(jwk, "use");
  const std::optional<std::string> alg = StringMember(jwk, "alg");
  if (use.has_value() && *use != "sig") {
    return absl::InvalidArgumentError("\"use\" must be \"sig\"");
  }
  OSSL_PARAM_BLD* builder = OSSL_PARAM_BLD_new();
  absl::StatusOr<std::shared_ptr<EVP_PKEY>> key;
  JwtKeySet::Key result{JwtAlgorithm::kEs256, nullptr};
  if (kty == "EC") {
    result.algorithm = JwtAlgorithm::kEs256;
    absl::StatusOr<std::string> x = Base64UrlMember(jwk, "x");
    absl::StatusOr<std::string> y = Base64UrlMember(jwk, "y");
    if (StringMember(jwk, "crv") != "P-256") {
      key = absl::InvalidArgumentError("only \"crv\": \"P-256\" is supported");
    } else if (!x.ok() || !y.ok()) {
      key = !x.ok() ? x.status() : y.status();
    } else if (x->size() != kEs256CoordinateBytes ||
               y->size() != kEs256CoordinateBytes) {
      key = absl::InvalidArgumentError("P-256 coordinates must be 32 bytes");
    } else {
      const std::string point = "\x04" + *x + *y;
      OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME,
                                      "prime256v1", 0);
      OSSL_PARAM_BLD_push_octet_string(builder, OSSL_PKEY_PARAM_PUB_KEY,
                                       point.data(), point.size());
      key = KeyFromParams("EC", builder);
    }
  } else if (kty == "RSA") {
    result.algorithm = JwtAlgorithm::kRs256;
    absl::StatusOr<std::string> n = Base64UrlMember(jwk, "n");
    absl::StatusOr<std::string> e = Base64UrlMember(jwk, "e");
    if (!n.ok() || !e.ok()) {
      key = !n.ok() ? n.status() : e.status();
    } else {
      BnPtr modulus(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()),
                              static_cast<int>(n->size()), nullptr));
      BnPtr exponent(
          BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()),
                    static_cast<int>(e->size()), nullptr));
      OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, modulus.get());
      OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, exponent.get());
      key = KeyFromParams("RSA", builder);
      if (key.ok() && EVP_PKEY_get_bits(key->get()) < kMinRsaBits) {
        key = absl::InvalidArgumentError(
            absl::StrCat("RSA keys must have at least ", kMinRsaBits, " bits"));
      }
    }
  } else {
    key = absl::InvalidArgumentError("\"kty\" must be \"EC\" or \"RSA\"");
  }
  OSSL_PARAM_BLD_free(builder);
  if (!key.ok()) return key.status();
  if (alg.has_value() && *alg != AlgorithmName(result.algorithm)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"alg\" is \"", *alg, "\" but the key is for ",
                     AlgorithmName(result.algorithm)));
  }
  result.public_key = *std::move(key);
  return result;
}

// Converts an ES256 signature (r || s) to the DER form OpenSSL verifies.
std::optional<std::string> Es256ToDer(absl::string_view signature) {
  if (signature.size() != 2 * kEs256CoordinateBytes) return std::nullopt;
  const auto* bytes = reinterpret_cast<const unsigned char*>(signature.data());
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(bytes, kEs256CoordinateBytes, nullptr);
  BIGNUM* s =
      BN_bin2bn(bytes + kEs256CoordinateBytes, kEs256CoordinateBytes, nullptr);
  ECDSA_SIG_set0(sig, r, s);
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  if (length <= 0) return std::nullopt;
  std::string result(reinterpret_cast<const char*>(der), length);
  OPENSSL_free(der);
  return result;
}

bool VerifySignature(const JwtKeySet::Key& key, absl::string_view signed_part,
                     absl::string_view signature) {
  std::string der;
  if (key.algorithm == JwtAlgorithm::kEs256) {
    std::optional<std::string> converted = Es256ToDer(signature);
    if (!converted.has_value()) return false;
    der = *std::move(converted);
    signature = der;
  }
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  const bool verified =
      context != nullptr &&
      EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr,
                           key.public_key.get()) == 1 &&
      EVP_DigestVerify(
          context, reinterpret_cast<const unsigned char*>(signature.data()),
          signature.size(),
          reinterpret_cast<const unsigned char*>(signed_part.data()),
          signed_part.size()) == 1;
  EVP_MD_CTX_free(context);
  return verified;
}

bool AudienceMatches(const Json& claims, const std::string& audience) {
  const auto it = claims.find("aud");
  if (it == claims.end()) return false;
  if (it->is_string()) return it->get<std::string>() == audience;
  if (!it->is_array()) return false;
  for (const Json& entry : *it) {
    if (entry.is_string() && entry.get<std::string>() == audience) return true;
  }
  return false;
}

absl::StatusOr<std::string> BnMember(EVP_PKEY* key, const char* name) {
  BIGNUM* value = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &value) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("the key has no ", name));
  }
  BnPtr owned(value);
  std::string bytes(BN_num_bytes(value), '\0');
  BN_bn2bin(value, reinterpret_cast<unsigned char*>(bytes.data()));
  return bytes;
}

std::string PadTo(std::string bytes, size_t size) {
  if (bytes.size() < size) bytes.insert(0, size - bytes.size(), '\0');
  return bytes;
}

}  // namespace

void EvpPkeyDeleter::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

absl::StatusOr<JwtKeySet> JwtKeySet::FromJwks(absl::string_view jwks_json) {
  const std::optional<Json> document = ParseObject(jwks_json);
  if (!document.has_value() || !document->contains("keys") ||
      !(*document)["keys"].is_array()) {
    return absl::InvalidArgumentError(
        "a JWKS is a JSON object with a \"keys\" array");
  }
  JwtKeySet set;
  const Json& keys = (*document)["keys"];
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::optional<std::string> kid =
        keys[i].is_object() ? StringMember(keys[i], "kid") : std::nullopt;
    const std::string where = absl::StrCat("keys[", i, "]");
    if (!kid.has_value() || kid->empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": \"kid\" is required"));
    }
    absl::StatusOr<Key> key = ParseJwk(keys[i]);
    if (!key.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, " (kid ", *kid, "): ", key.status().message()));
    }
    if (!set.keys_.emplace(*kid, *std::move(key)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": kid ", *kid, " appears twice"));
    }
  }
  if (set.keys_.empty())
    return absl::InvalidArgumentError("the JWKS has no keys");
  return set;
}

const JwtKeySet::Key* JwtKeySet::Find(const std::string& kid) const {
  const auto it = keys_.find(kid);
  return it == keys_.end() ? nullptr : &it->second;
}

absl::StatusOr<Caller> JwtAuthenticator::Authenticate(absl::string_view token,
                                                      absl::Time now) const {
  if (token.size() > kMaxTokenBytes) return Unauthenticated("too long");
  const std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3)
    return Unauthenticated("not three dot-separated parts");
  std::string header_json;
  std::string claims_json;
  std::string signature;
  if (!DecodeBase64Url(parts[0], &header_json) ||
      !DecodeBase64Url(parts[1], &claims_json) ||
      !DecodeBase64Url(parts[2], &signature)) {
    return Unauthenticated("a part is not base64url");
  }
  const std::optional<Json> header = ParseObject(header_json);
  if (!header.has_value())
    return Unauthenticated("the header is not a JSON object");
  if (header->contains("crit"))
    return Unauthenticated("critical headers are not supported");
  const std::optional<std::string> alg = StringMember(*header, "alg");
  if (alg != "RS256" && alg != "ES256") {
    return Unauthenticated("the algorithm must be RS256 or ES256");
  }
  const std::optional<std::string> kid = StringMember(*header, "kid");
  const JwtKeySet::Key* key = kid.has_value() ? keys_.Find(*kid) : nullptr;
  if (key == nullptr) return Unauthenticated("unknown key id");
  if (*alg != AlgorithmName(key->algorithm)) {
    return Unauthenticated("the algorithm is not the key's");
  }
  const absl::string_view signed_part =
      token.substr(0, parts[0].size() + 1 + parts[1].size());
  if (!VerifySignature(*key, signed_part, signature)) {
    return Unauthenticated("the signature does not verify");
  }

  const std::optional<Json> claims = ParseObject(claims_json);
  if (!claims.has_value())
    return Unauthenticated("the claims are not a JSON object");
  if (StringMember(*claims, "iss") != expectations_.issuer) {
    return Unauthenticated("wrong issuer");
  }
  if (!AudienceMatches(*claims, expectations_.audience)) {
    return Unauthenticated("wrong audience");
  }
  const std::optional<absl::Time> expiry = TimeMember(*claims, "exp");
  if (!expiry.has_value()) return Unauthenticated("no expiry");
  if (now >= *expiry + expectations_.clock_skew)
    return Unauthenticated("expired");
  if (claims->contains("nbf")) {
    const std::optional<absl::Time> not_before = TimeMember(*claims, "nbf");
    if (!not_before.has_value()) return Unauthenticated("malformed nbf");
    if (now + expectations_.clock_skew < *not_before) {
      return Unauthenticated("not yet valid");
    }
  }
  const std::optional<std::string> subject = StringMember(*claims, "sub");
  const std::optional<std::string> role_name =
      StringMember(*claims, kRoleClaim);
  const std::optional<std::string> organisation =
      StringMember(*claims, kOrganisationClaim);
  if (!subject.has_value() || !IsPrintableId(*subject)) {
    return Unauthenticated("missing or malformed sub");
  }
  const absl::StatusOr<Role> role = ParseRole(role_name.value_or(""));
  if (!role.ok()) return Unauthenticated("missing or unknown liu_role");
  if (!organisation.has_value() || !IsValidPrincipalId(*organisation)) {
    return Unauthenticated("missing or malformed liu_org");
  }
  return Caller{*role, *organisation, *subject};
}

absl::StatusOr<std::string> SignJwt(const JwtClaims& claims,
                                    JwtAlgorithm algorithm,
                                    EVP_PKEY* private_key,
                                    const std::string& kid) {
  const Json header = {
      {"alg", AlgorithmName(algorithm)}, {"typ", "JWT"}, {"kid", kid}};
  const Json body = {{"iss", claims.issuer},
                     {"aud", claims.audience},
                     {"sub", claims.caller.subject},
                     {kRoleClaim, std::string(RoleName(claims.caller.role))},
                     {kOrganisationClaim, claims.caller.organisation},
                     {"nbf", absl::ToUnixSeconds(claims.not_before)},
                     {"iat", absl::ToUnixSeconds(claims.not_before)},
                     {"exp", absl::ToUnixSeconds(claims.expiry)}};
  return SignJwtJson(header.dump(), body.dump(), algorithm, private_key);
}

absl::StatusOr<std::string> SignJwtJson(absl::string_view header_json,
                                        absl::string_view claims_json,
                                        JwtAlgorithm algorithm,
                                        EVP_PKEY* private_key) {
  const bool fits = algorithm == JwtAlgorithm::kRs256
                        ? EVP_PKEY_is_a(private_key, "RSA")
                        : EVP_PKEY_is_a(private_key, "EC");
  if (!fits) {
    return absl::InvalidArgumentError(
        absl::StrCat("the key cannot sign ", AlgorithmName(algorithm)));
  }
  const std::string signed_part = absl::StrCat(
      EncodeBase64Url(header_json), ".", EncodeBase64Url(claims_json));

  EVP_MD_CTX* context = EVP_MD_CTX_new();
  size_t length = 0;
  std::string signature;
  bool signed_ok =
      context != nullptr &&
      EVP_DigestSignInit(context, nullptr, EVP_sha256(), nullptr,
                         private_key) == 1 &&
      EVP_DigestSign(context, nullptr, &length,
                     reinterpret_cast<const unsigned char*>(signed_part.data()),
                     signed_part.size()) == 1;
  if (signed_ok) {
    signature.resize(length);
    signed_ok =
        EVP_DigestSign(
            context, reinterpret_cast<unsigned char*>(signature.data()),
            &length, reinterpret_cast<const unsigned char*>(signed_part.data()),
            signed_part.size()) == 1;
    signature.resize(length);
  }
  EVP_MD_CTX_free(context);
  if (!signed_ok) return absl::InternalError("signing failed");

  if (algorithm == JwtAlgorithm::kEs256) {
    const auto* der = reinterpret_cast<const unsigned char*>(signature.data());
    ECDSA_SIG* sig =
        d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(signature.size()));
    if (sig == nullptr) return absl::InternalError("malformed ECDSA signature");
    std::string raw(2 * kEs256CoordinateBytes, '\0');
    auto* out = reinterpret_cast<unsigned char*>(raw.data());
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, kEs256CoordinateBytes);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + kEs256CoordinateBytes,
                 kEs256CoordinateBytes);
    ECDSA_SIG_free(sig);
    signature = std::move(raw);
  }
  return absl::StrCat(signed_part, ".", EncodeBase64Url(signature));
}

absl::StatusOr<std::string> PublicJwk(EVP_PKEY* key, JwtAlgorithm algorithm,
                                      const std::string& kid) {
  Json jwk = {{"kid", kid}, {"use", "sig"}, {"alg", AlgorithmName(algorithm)}};
  if (algorithm == JwtAlgorithm::kEs256) {
    if (!EVP_PKEY_is_a(key, "EC"))
      return absl::InvalidArgumentError("not an EC key");
    ASSIGN_OR_RETURN(std::string x, BnMember(key, OSSL_PKEY_PARAM_EC_PUB_X));
    ASSIGN_OR_RETURN(std::string y, BnMember(key, OSSL_PKEY_PARAM_EC_PUB_Y));
    jwk["kty"] = "EC";
    jwk["crv"] = "P-256";
    jwk["x"] = EncodeBase64Url(PadTo(std::move(x), kEs256CoordinateBytes));
    jwk["y"] = EncodeBase64Url(PadTo(std::move(y), kEs256CoordinateBytes));
  } else {
    if (!EVP_PKEY_is_a(key, "RSA"))
      return absl::InvalidArgumentError("not an RSA key");
    ASSIGN_OR_RETURN(std::string n, BnMember(key, OSSL_PKEY_PARAM_RSA_N));
    ASSIGN_OR_RETURN(std::string e, BnMember(key, OSSL_PKEY_PARAM_RSA_E));
    jwk["kty"] = "RSA";
    jwk["n"] = EncodeBase64Url(n);
    jwk["e"] = EncodeBase64Url(e);
  }
  return jwk.dump();
}

absl::StatusOr<Caller> ReadClaimedCaller(absl::string_view token) {
  const std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  std::string claims_json;
  if (parts.size() != 3 || !DecodeBase64Url(parts[1], &claims_json)) {
    return absl::InvalidArgumentError("the token is not a JWT");
  }
  const std::optional<Json> claims = ParseObject(claims_json);
  if (!claims.has_value()) {
    return absl::InvalidArgumentError("the token's claims are not JSON");
  }
  const std::optional<std::string> subject = StringMember(*claims, "sub");
  const absl::StatusOr<Role> role =
      ParseRole(StringMember(*claims, kRoleClaim).value_or(""));
  const std::optional<std::string> organisation =
      StringMember(*claims, kOrganisationClaim);
  if (!subject.has_value() || !role.ok() || !organisation.has_value() ||
      !IsValidPrincipalId(*organisation)) {
    return absl::InvalidArgumentError(
        "the token does not name a subject, role and organisation");
  }
  return Caller{*role, *organisation, *subject};
}

}  // namespace ismap::liu
