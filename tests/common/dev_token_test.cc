// Development tokens: what verifies and everything that must not.
#include "services/common/dev_token.h"

#include <sys/stat.h>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "tests/harness/temp_dir.h"

namespace ismap::liu {
namespace {

constexpr char kKey[] = "0123456789abcdef0123456789abcdef";
const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

TEST(DevTokenTest, MintedTokenVerifiesAsItsCaller) {
  const DevTokenAuthenticator authenticator(kKey);
  const std::string token = *MintDevToken(
      kKey, Caller{Role::kMinistry, "mlit", "alice"}, kNow + absl::Hours(1));
  const absl::StatusOr<Caller> caller = authenticator.Authenticate(token, kNow);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->role, Role::kMinistry);
  EXPECT_EQ(caller->organisation, "mlit");
  EXPECT_EQ(caller->subject, "alice");
}

TEST(DevTokenTest, RefusesExpiredForeignTamperedAndMalformedTokens) {
  const DevTokenAuthenticator authenticator(kKey);
  const std::string good = *MintDevToken(
      kKey, Caller{Role::kCsp, "example-saas", "bob"}, kNow + absl::Minutes(5));
  const std::string foreign =
      *MintDevToken("ffffffffffffffffffffffffffffffff",
                    Caller{Role::kIpa, "ipa", "mallory"}, kNow + absl::Hours(1));
  // The same claims with role ipa, keeping the csp token's signature.
  const std::string escalated =
      "liudev1." + absl::WebSafeBase64Escape("ipa\nexample-saas\nbob\n1800000300") +
      good.substr(good.rfind('.'));

  EXPECT_TRUE(authenticator.Authenticate(good, kNow).ok());
  for (const std::string& token :
       {foreign, escalated, good.substr(0, good.size() - 2), std::string("liudev1."),
        std::string("liudev1.."), std::string("liudev1.%%%.%%%"), std::string(""),
        std::string("eyJhbGciOiJub25lIn0.e30."), std::string(1000, '.'),
        std::string("liudev1.\xff\xfe.\x00", 12)}) {
    const absl::StatusOr<Caller> caller = authenticator.Authenticate(token, kNow);
    EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated)
        << "token: " << token;
  }
  EXPECT_EQ(authenticator.Authenticate(good, kNow + absl::Minutes(5)).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(DevTokenTest, MintRefusesIdsThatCannotAppearInResourceNames) {
  for (const char* organisation : {"", "MLIT", "ml it", "a/b", "-x"}) {
    EXPECT_EQ(MintDevToken(kKey, Caller{Role::kMinistry, organisation, "alice"},
                           kNow)
                  .status()
                  .code(),
              absl::StatusCode::kInvalidArgument)
        << organisation;
  }
}

TEST(DevTokenTest, KeyIsCreatedOncePrivatelyAndThenReused) {
  testing::TempDir dir;
  const std::string path = dir.Join("dev-token.key");
  EXPECT_EQ(LoadDevTokenKey(path).status().code(), absl::StatusCode::kNotFound);
  const std::string created = *LoadOrCreateDevTokenKey(path);
  EXPECT_EQ(created.size(), 32u);
  EXPECT_EQ(*LoadOrCreateDevTokenKey(path), created);
  EXPECT_EQ(*LoadDevTokenKey(path), created);
  struct stat info;
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  dir.WriteFile("short.key", "tooshort");
  EXPECT_EQ(LoadDevTokenKey(dir.Join("short.key")).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ismap::liu
