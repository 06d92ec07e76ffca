// JWT verification: what verifies, and every forgery and malformation that
// must not.
#include "services/common/identity/jwt.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>
#include <sys/stat.h>

#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/identity/dev_signing_key.h"
#include "tests/harness/temp_dir.h"

namespace ismap::liu {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);
const Caller kCaller{Role::kMinistry, "mlit", "alice"};
constexpr char kIssuer[] = "https://idp.example.go.jp";
constexpr char kAudience[] = "ismap-liu";

EvpPkeyPtr NewEcKey() { return EvpPkeyPtr(EVP_EC_gen("P-256")); }
EvpPkeyPtr NewRsaKey(unsigned bits) { return EvpPkeyPtr(EVP_RSA_gen(bits)); }

std::string Jwks(std::initializer_list<std::string> jwks) {
  std::string keys;
  for (const std::string& jwk : jwks) {
    absl::StrAppend(&keys, keys.empty() ? "" : ",", jwk);
  }
  return absl::StrCat("{\"keys\":[", keys, "]}");
}

std::string B64(absl::string_view text) {
  return absl::WebSafeBase64Escape(text);
}

class JwtTest : public ::testing::Test {
 protected:
  JwtTest()
      : ec_key_(NewEcKey()),
        rsa_key_(NewRsaKey(2048)),
        ec_jwk_(*PublicJwk(ec_key_.get(), JwtAlgorithm::kEs256, "ec-1")),
        rsa_jwk_(*PublicJwk(rsa_key_.get(), JwtAlgorithm::kRs256, "rsa-1")),
        authenticator_(*JwtKeySet::FromJwks(Jwks({ec_jwk_, rsa_jwk_})),
                       {kIssuer, kAudience, absl::Seconds(60)}) {}

  JwtClaims Claims() const {
    return {kIssuer, kAudience, kCaller, kNow - absl::Minutes(1),
            kNow + absl::Hours(1)};
  }
  std::string Es256(const JwtClaims& claims) const {
    return *SignJwt(claims, JwtAlgorithm::kEs256, ec_key_.get(), "ec-1");
  }
  absl::StatusCode Verify(const std::string& token,
                          absl::Time now = kNow) const {
    return authenticator_.Authenticate(token, now).status().code();
  }

  // A token with the given header and claims JSON and a signature made by
  // `sign` over the signed part.
  static std::string Craft(const std::string& header, const std::string& claims,
                           const std::string& signature) {
    return absl::StrCat(B64(header), ".", B64(claims), ".", B64(signature));
  }
  static std::string ValidClaimsJson() {
    return R"({"iss":"https://idp.example.go.jp","aud":"ismap-liu","sub":"alice",)"
           R"("liu_role":"ministry","liu_org":"mlit","exp":1800003600})";
  }

  EvpPkeyPtr ec_key_;
  EvpPkeyPtr rsa_key_;
  std::string ec_jwk_;
  std::string rsa_jwk_;
  JwtAuthenticator authenticator_;
};

TEST_F(JwtTest, Es256AndRs256TokensVerifyAsTheirCaller) {
  const absl::StatusOr<Caller> es =
      authenticator_.Authenticate(Es256(Claims()), kNow);
  ASSERT_TRUE(es.ok()) << es.status();
  EXPECT_EQ(es->role, Role::kMinistry);
  EXPECT_EQ(es->organisation, "mlit");
  EXPECT_EQ(es->subject, "alice");
  const std::string rs =
      *SignJwt(Claims(), JwtAlgorithm::kRs256, rsa_key_.get(), "rsa-1");
  EXPECT_TRUE(authenticator_.Authenticate(rs, kNow).ok());
}

TEST_F(JwtTest, SeveralKeysAllowRotation) {
  const EvpPkeyPtr next = NewEcKey();
  const std::string next_jwk =
      *PublicJwk(next.get(), JwtAlgorithm::kEs256, "ec-2");
  const JwtAuthenticator rotating(
      *JwtKeySet::FromJwks(Jwks({ec_jwk_, next_jwk})), {kIssuer, kAudience});
  EXPECT_TRUE(rotating.Authenticate(Es256(Claims()), kNow).ok());
  EXPECT_TRUE(rotating
                  .Authenticate(*SignJwt(Claims(), JwtAlgorithm::kEs256,
                                         next.get(), "ec-2"),
                                kNow)
                  .ok());
  // The new key under the old key's id does not verify.
  EXPECT_EQ(
      Verify(*SignJwt(Claims(), JwtAlgorithm::kEs256, next.get(), "ec-1")),
      absl::StatusCode::kUnauthenticated);
}

TEST_F(JwtTest, TimeClaimsHonourTheClockSkew) {
  JwtClaims claims = Claims();
  claims.expiry = kNow - absl::Seconds(30);  // Expired, but within the skew.
  EXPECT_TRUE(authenticator_.Authenticate(Es256(claims), kNow).ok());
  claims.expiry = kNow - absl::Seconds(61);
  EXPECT_EQ(Verify(Es256(claims)), absl::StatusCode::kUnauthenticated);

  claims = Claims();
  claims.not_before = kNow + absl::Seconds(30);  // Early, within the skew.
  EXPECT_TRUE(authenticator_.Authenticate(Es256(claims), kNow).ok());
  claims.not_before = kNow + absl::Minutes(5);
  const auto status = authenticator_.Authenticate(Es256(claims), kNow).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(status.message()), HasSubstr("not yet valid"));
}

TEST_F(JwtTest, WrongIssuerOrAudienceIsRefused) {
  JwtClaims claims = Claims();
  claims.issuer = "https://evil.example";
  EXPECT_EQ(Verify(Es256(claims)), absl::StatusCode::kUnauthenticated);
  claims = Claims();
  claims.audience = "another-service";
  EXPECT_EQ(Verify(Es256(claims)), absl::StatusCode::kUnauthenticated);
}

TEST_F(JwtTest, AudienceMayBeAnArray) {
  const std::string header = R"({"alg":"ES256","kid":"ec-1"})";
  const std::string with_ours =
      R"({"iss":"https://idp.example.go.jp","aud":["other","ismap-liu"],"sub":"a",)"
      R"("liu_role":"ipa","liu_org":"ipa","exp":1800003600})";
  const std::string without_ours =
      R"({"iss":"https://idp.example.go.jp","aud":["other"],"sub":"a",)"
      R"("liu_role":"ipa","liu_org":"ipa","exp":1800003600})";
  EXPECT_TRUE(
      authenticator_
          .Authenticate(*SignJwtJson(header, with_ours, JwtAlgorithm::kEs256,
                                     ec_key_.get()),
                        kNow)
          .ok());
  EXPECT_EQ(Verify(*SignJwtJson(header, without_ours, JwtAlgorithm::kEs256,
                                ec_key_.get())),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(JwtTest, ForgeriesAreRefused) {
  const std::string good = Es256(Claims());
  const size_t last_dot = good.rfind('.');

  // A flipped bit in the signature.
  std::string forged = good;
  forged[last_dot + 5] = forged[last_dot + 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Verify(forged), absl::StatusCode::kUnauthenticated);

  // The claims changed (ministry → ipa), the signature kept.
  const std::string escalated_claims =
      R"({"iss":"https://idp.example.go.jp","aud":"ismap-liu","sub":"alice",)"
      R"("liu_role":"ipa","liu_org":"ipa","exp":1800003600})";
  const size_t first_dot = good.find('.');
  EXPECT_EQ(Verify(good.substr(0, first_dot + 1) + B64(escalated_claims) +
                   good.substr(last_dot)),
            absl::StatusCode::kUnauthenticated);

  // alg: none, with and without a signature.
  EXPECT_EQ(
      Verify(Craft(R"({"alg":"none","kid":"ec-1"})", ValidClaimsJson(), "")),
      absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Verify(absl::StrCat(B64(R"({"alg":"none"})"), ".",
                                B64(ValidClaimsJson()), ".")),
            absl::StatusCode::kUnauthenticated);

  // HS256 with the public key (as its JWK text, and as its PEM-less bytes) as
  // the HMAC secret: the classic algorithm-confusion forgery.
  for (const std::string& secret : {ec_jwk_, rsa_jwk_}) {
    for (const char* kid : {"ec-1", "rsa-1"}) {
      const std::string signed_part = absl::StrCat(
          B64(absl::StrCat(R"({"alg":"HS256","kid":")", kid, R"("})")), ".",
          B64(ValidClaimsJson()));
      unsigned char mac[EVP_MAX_MD_SIZE];
      unsigned int mac_length = 0;
      HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(signed_part.data()),
           signed_part.size(), mac, &mac_length);
      EXPECT_EQ(
          Verify(absl::StrCat(signed_part, ".",
                              B64(absl::string_view(
                                  reinterpret_cast<char*>(mac), mac_length)))),
          absl::StatusCode::kUnauthenticated);
    }
  }

  // An RS256 signature presented under the EC key's id, and the reverse.
  const std::string rs =
      *SignJwt(Claims(), JwtAlgorithm::kRs256, rsa_key_.get(), "ec-1");
  EXPECT_EQ(Verify(rs), absl::StatusCode::kUnauthenticated);
  const std::string es =
      *SignJwt(Claims(), JwtAlgorithm::kEs256, ec_key_.get(), "rsa-1");
  EXPECT_EQ(Verify(es), absl::StatusCode::kUnauthenticated);

  // Unknown and missing key ids.
  EXPECT_EQ(
      Verify(*SignJwt(Claims(), JwtAlgorithm::kEs256, ec_key_.get(), "nope")),
      absl::StatusCode::kUnauthenticated);
}

TEST_F(JwtTest, MalformedTokensAreRefusedWithoutCrashing) {
  const std::string good = Es256(Claims());
  for (const std::string& token :
       {std::string(), std::string("."), std::string(".."), std::string("a.b"),
        std::string("a.b.c.d"), good + "=", good + ".x",
        std::string("%%%.%%%.%%%"),
        std::string("e30.e30.e30"),  // {} . {} . "{}"
        Craft("[]", ValidClaimsJson(), "x"), Craft("{", ValidClaimsJson(), "x"),
        Craft(R"({"alg":"ES256","kid":"ec-1","crit":["exp"]})",
              ValidClaimsJson(), "x"),
        Craft(R"({"alg":5,"kid":"ec-1"})", ValidClaimsJson(), "x"),
        Craft(R"({"alg":"ES256","kid":["ec-1"]})", ValidClaimsJson(), "x"),
        std::string(9000, 'a'), std::string("\0\xff.\x80.\x01", 7)}) {
    EXPECT_EQ(Verify(token), absl::StatusCode::kUnauthenticated) << token;
  }
  // Random bytes and random mutations of a good token.
  std::mt19937 random(20261122);
  for (int i = 0; i < 2000; ++i) {
    std::string token = good;
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits; ++e) {
      token[random() % token.size()] = static_cast<char>(random() % 256);
    }
    const absl::StatusOr<Caller> caller =
        authenticator_.Authenticate(token, kNow);
    if (caller.ok()) {
      // Only a mutation that decodes to the same bytes may verify.
      EXPECT_EQ(caller->organisation, "mlit");
    }
  }
}

TEST_F(JwtTest, ValidlySignedTokensWithoutAProgrammeIdentityAreRefused) {
  const std::string header = R"({"alg":"ES256","kid":"ec-1"})";
  const std::string base =
      R"("iss":"https://idp.example.go.jp","aud":"ismap-liu","exp":1800003600)";
  for (const std::string& rest :
       {std::string(R"("sub":"a","liu_org":"mlit")"),  // no role
        std::string(
            R"("sub":"a","liu_role":"admin","liu_org":"mlit")"),  // bad role
        std::string(R"("sub":"a","liu_role":"ministry")"),        // no org
        std::string(
            R"("sub":"a","liu_role":"ministry","liu_org":"../x")"),  // bad org
        std::string(
            R"("sub":"a","liu_role":"ministry","liu_org":7)"),     // wrong type
        std::string(R"("liu_role":"ministry","liu_org":"mlit")"),  // no sub
        std::string(
            R"("sub":"a b","liu_role":"ministry","liu_org":"mlit")"),  // bad
                                                                       // sub
        std::string(
            R"("sub":"a","liu_role":"ministry","liu_org":"mlit","nbf":"x")")}) {
    const std::string claims = absl::StrCat("{", base, ",", rest, "}");
    EXPECT_EQ(Verify(*SignJwtJson(header, claims, JwtAlgorithm::kEs256,
                                  ec_key_.get())),
              absl::StatusCode::kUnauthenticated)
        << claims;
  }
  // No expiry at all.
  EXPECT_EQ(
      Verify(*SignJwtJson(
          header,
          R"({"iss":"https://idp.example.go.jp","aud":"ismap-liu","sub":"a",)"
          R"("liu_role":"ministry","liu_org":"mlit"})",
          JwtAlgorithm::kEs256, ec_key_.get())),
      absl::StatusCode::kUnauthenticated);
}

TEST(JwtKeySetTest, RefusesUnusableKeySets) {
  const EvpPkeyPtr ec = NewEcKey();
  const std::string jwk = *PublicJwk(ec.get(), JwtAlgorithm::kEs256, "k");
  const EvpPkeyPtr small_rsa = NewRsaKey(1024);
  const std::string small =
      *PublicJwk(small_rsa.get(), JwtAlgorithm::kRs256, "small");
  for (const std::string& jwks :
       {std::string("not json"), std::string("{}"),
        std::string(R"({"keys":[]})"), std::string(R"({"keys":{}})"),
        Jwks({jwk, jwk}), Jwks({small}),
        Jwks({R"({"kid":"x","kty":"oct","k":"c2VjcmV0"})"}),
        Jwks({R"({"kid":"x","kty":"EC","crv":"P-384","x":"AA","y":"AA"})"}),
        Jwks({R"({"kty":"EC","crv":"P-256"})"}),
        // A point not on the curve.
        Jwks({R"({"kid":"bad","kty":"EC","crv":"P-256",)"
              R"("x":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",)"
              R"("y":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})"}),
        Jwks({absl::StrCat(jwk.substr(0, jwk.size() - 1),
                           R"(,"use":"enc"})")})}) {
    EXPECT_EQ(JwtKeySet::FromJwks(jwks).status().code(),
              absl::StatusCode::kInvalidArgument)
        << jwks;
  }
  EXPECT_TRUE(JwtKeySet::FromJwks(Jwks({jwk})).ok());
}

TEST(ReadClaimedCallerTest, ReadsWhomATokenNamesWithoutVerifyingIt) {
  testing::TempDir dir;
  const DevSigningKey key = *LoadOrCreateDevSigningKey(dir.path());
  const std::string token = *MintDevToken(key, kCaller, kNow, absl::Hours(1));
  const absl::StatusOr<Caller> caller = ReadClaimedCaller(token);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->role, Role::kMinistry);
  EXPECT_EQ(caller->organisation, "mlit");
  EXPECT_EQ(caller->subject, "alice");

  // Expired or tampered tokens are still read: nothing is verified.
  const std::string expired =
      *MintDevToken(key, kCaller, kNow - absl::Hours(48), absl::Hours(1));
  EXPECT_TRUE(ReadClaimedCaller(expired).ok());

  for (const std::string& malformed :
       {std::string(), std::string("a.b"), std::string("a.!!!.c"),
        absl::StrCat("x.", absl::WebSafeBase64Escape("[1,2]"), ".y"),
        absl::StrCat("x.",
                     absl::WebSafeBase64Escape(
                         R"({"sub":"a","liu_role":"king","liu_org":"mlit"})"),
                     ".y")}) {
    EXPECT_EQ(ReadClaimedCaller(malformed).status().code(),
              absl::StatusCode::kInvalidArgument)
        << malformed;
  }
}

TEST(DevSigningKeyTest, IsCreatedOncePrivatelyAndMintsVerifiableTokens) {
  testing::TempDir dir;
  const DevSigningKey first = *LoadOrCreateDevSigningKey(dir.path());
  const DevSigningKey again = *LoadOrCreateDevSigningKey(dir.path());
  EXPECT_EQ(first.kid, again.kid);
  struct stat info;
  ASSERT_EQ(stat(dir.Join(kDevSigningKeyFile).c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  const JwtAuthenticator authenticator(*JwtKeySet::FromJwks(first.jwks),
                                       {kDevTokenIssuer, kTokenAudience});
  const std::string token = *MintDevToken(again, kCaller, kNow, absl::Hours(1));
  EXPECT_TRUE(authenticator.Authenticate(token, kNow).ok());
  EXPECT_EQ(MintDevToken(first, Caller{Role::kCsp, "Bad Org", "x"}, kNow,
                         absl::Hours(1))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadDevSigningKey(dir.Join("missing.pem")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(DevSigningKeyTest, ServersStartingAtOnceShareOneKey) {
  // Replicas started together on one data directory: whichever creates the
  // key, every one of them loads that key, also when one looks for it just
  // as another creates it (the starts are staggered over a few
  // milliseconds, as long as creating a key takes).
  constexpr int kRounds = 100;
  constexpr int kServers = 4;
  for (int round = 0; round < kRounds; ++round) {
    testing::TempDir dir;
    std::vector<absl::StatusOr<DevSigningKey>> keys(kServers);
    std::atomic<int> ready{0};
    std::vector<std::thread> servers;
    for (int i = 0; i < kServers; ++i) {
      servers.emplace_back([&, i] {
        ++ready;
        while (ready.load() < kServers) std::this_thread::yield();
        absl::SleepFor(absl::Microseconds((round * 97 + i * 613) % 2500));
        keys[i] = LoadOrCreateDevSigningKey(dir.path());
      });
    }
    for (std::thread& server : servers) server.join();
    for (const auto& key : keys) {
      ASSERT_TRUE(key.ok()) << "round " << round << ": " << key.status();
      EXPECT_EQ(key->kid, keys[0]->kid);
    }
  }
}

}  // namespace
}  // namespace ismap::liu
