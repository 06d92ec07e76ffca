// Service tokens: minted with the development key, or read from a file.
#include "services/common/peer/service_credentials.h"

#include <filesystem>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "services/common/caller.h"
#include "services/common/file_contents.h"

namespace ismap::liu {
namespace {

constexpr absl::Duration kDevTokenLifetime = absl::Minutes(15);
constexpr absl::Duration kRenewBefore = absl::Minutes(5);

class DevServiceCredentials final : public ServiceCredentials {
 public:
  DevServiceCredentials(DevSigningKey key, absl::string_view subject)
      : key_(std::move(key)),
        identity_{Role::kIpa, "ipa", std::string(subject)} {}

  absl::StatusOr<std::string> Token(absl::Time now) override {
    absl::MutexLock lock(&mu_);
    if (token_.empty() || now >= expiry_ - kRenewBefore) {
      absl::StatusOr<std::string> token =
          MintDevToken(key_, identity_, now, kDevTokenLifetime);
      if (!token.ok()) return token.status();
      token_ = *std::move(token);
      expiry_ = now + kDevTokenLifetime;
    }
    return token_;
  }

 private:
  const DevSigningKey key_;
  const Caller identity_;
  absl::Mutex mu_;
  std::string token_ ABSL_GUARDED_BY(mu_);
  absl::Time expiry_ ABSL_GUARDED_BY(mu_);
};

class FileServiceCredentials final : public ServiceCredentials {
 public:
  explicit FileServiceCredentials(std::string path) : path_(std::move(path)) {}

  absl::StatusOr<std::string> Token(absl::Time /*now*/) override {
    std::error_code error;
    const std::filesystem::file_time_type modified =
        std::filesystem::last_write_time(path_, error);
    if (error) {
      return absl::UnavailableError(
          absl::StrCat("service token file ", path_, ": ", error.message()));
    }
    absl::MutexLock lock(&mu_);
    if (token_.empty() || modified != modified_) {
      absl::StatusOr<std::string> content = ReadFileContents(path_);
      if (!content.ok()) {
        return absl::UnavailableError(
            absl::StrCat("cannot read service token file ", path_));
      }
      std::string token(absl::StripAsciiWhitespace(*content));
      if (token.empty()) {
        return absl::UnavailableError(
            absl::StrCat("service token file ", path_, " is empty"));
      }
      token_ = std::move(token);
      modified_ = modified;
    }
    return token_;
  }

 private:
  const std::string path_;
  absl::Mutex mu_;
  std::string token_ ABSL_GUARDED_BY(mu_);
  std::filesystem::file_time_type modified_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<ServiceCredentials> MakeDevServiceCredentials(
    DevSigningKey key, absl::string_view subject) {
  return std::make_unique<DevServiceCredentials>(std::move(key), subject);
}

std::unique_ptr<ServiceCredentials> MakeFileServiceCredentials(
    std::string path) {
  return std::make_unique<FileServiceCredentials>(std::move(path));
}

}  // namespace ismap::liu
