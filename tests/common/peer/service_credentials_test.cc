// Tests of the tokens a service presents to its peers.
#include "services/common/peer/service_credentials.h"

#include <filesystem>

#include "gtest/gtest.h"
#include "services/common/identity/dev_signing_key.h"
#include "services/common/identity/jwt.h"
#include "tests/harness/temp_dir.h"

namespace ismap::liu {
namespace {

TEST(DevServiceCredentialsTest, MintsAnIpaTokenNamingTheServiceAndRenewsIt) {
  testing::TempDir dir;
  absl::StatusOr<DevSigningKey> key = LoadOrCreateDevSigningKey(dir.path());
  ASSERT_TRUE(key.ok()) << key.status();
  absl::StatusOr<JwtKeySet> keys = JwtKeySet::FromJwks(key->jwks);
  ASSERT_TRUE(keys.ok()) << keys.status();
  const JwtAuthenticator verifier(*std::move(keys),
                                  {kDevTokenIssuer, kTokenAudience});
  std::unique_ptr<ServiceCredentials> credentials =
      MakeDevServiceCredentials(*std::move(key), "impact-service");

  const absl::Time now = absl::Now();
  absl::StatusOr<std::string> token = credentials->Token(now);
  ASSERT_TRUE(token.ok()) << token.status();
  absl::StatusOr<Caller> caller = verifier.Authenticate(*token, now);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->role, Role::kIpa);
  EXPECT_EQ(caller->organisation, "ipa");
  EXPECT_EQ(caller->subject, "impact-service");

  EXPECT_EQ(*credentials->Token(now + absl::Minutes(5)), *token);
  const absl::Time later = now + absl::Minutes(11);
  absl::StatusOr<std::string> renewed = credentials->Token(later);
  ASSERT_TRUE(renewed.ok());
  EXPECT_NE(*renewed, *token);
  EXPECT_TRUE(verifier.Authenticate(*renewed, later + absl::Minutes(10)).ok());
}

TEST(FileServiceCredentialsTest, ReadsTheFileAgainWhenItChanges) {
  testing::TempDir dir;
  dir.WriteFile("token", "  first-token\n");
  std::unique_ptr<ServiceCredentials> credentials =
      MakeFileServiceCredentials(dir.Join("token"));
  EXPECT_EQ(*credentials->Token(absl::Now()), "first-token");

  dir.WriteFile("token", "second-token\n");
  std::filesystem::last_write_time(
      dir.Join("token"),
      std::filesystem::file_time_type::clock::now() + std::chrono::seconds(5));
  EXPECT_EQ(*credentials->Token(absl::Now()), "second-token");
}

TEST(FileServiceCredentialsTest, MissingOrEmptyFileIsUnavailable) {
  testing::TempDir dir;
  std::unique_ptr<ServiceCredentials> missing =
      MakeFileServiceCredentials(dir.Join("absent"));
  EXPECT_EQ(missing->Token(absl::Now()).status().code(),
            absl::StatusCode::kUnavailable);

  dir.WriteFile("empty", " \n");
  std::unique_ptr<ServiceCredentials> empty =
      MakeFileServiceCredentials(dir.Join("empty"));
  EXPECT_EQ(empty->Token(absl::Now()).status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace ismap::liu
