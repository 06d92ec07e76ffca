// Shared fixtures of the eligibility integration tests: profiles that meet
// each item of the target list, and pre-applications built from them.
#ifndef ISMAP_LIU_TESTS_ELIGIBILITY_ELIGIBILITY_TESTING_H_
#define ISMAP_LIU_TESTS_ELIGIBILITY_ELIGIBILITY_TESTING_H_

#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "ismap/liu/v1/eligibility.pb.h"

namespace ismap::liu::testing {

// A profile handling `kinds` and asserting `facts`.
inline v1::BusinessProfile Profile(const std::string& title,
                                   std::vector<std::string> kinds,
                                   std::vector<std::string> facts = {}) {
  v1::BusinessProfile profile;
  profile.set_title(title);
  profile.set_description(title + " の業務");
  for (std::string& kind : kinds)
    profile.add_information_kinds(std::move(kind));
  for (std::string& fact : facts) profile.add_facts(std::move(fact));
  return profile;
}

// For each item of the programme-start list (1 to 8), a profile that meets
// its criterion.
inline std::vector<v1::BusinessProfile> ProfilesMeetingEachItem() {
  return {
      Profile("有識者会議の運営", {"public_policy_drafts"},
              {"works_with_private_sector", "publication_premised"}),
      Profile("人材管理", {"staff_titles_and_names"}),
      Profile("名刺管理", {"business_card_information"}),
      Profile("企業提供情報の保管", {"provider_supplied_information"},
              {"provider_judged_low_risk"}),
      Profile("公表前ウェブコンテンツの作成", {"pre_publication_information"},
              {"publication_decided"}),
      Profile("安否確認", {"staff_safety_status"}, {"disaster_response"}),
      Profile("eラーニング", {"training_content"}, {"members_education"}),
      Profile("定型的な問合せ対応", {"routine_correspondence"},
              {"retention_under_one_year", "routine_work"}),
  };
}

// A kind of information that no item of the programme-start list covers.
inline constexpr char kUncoveredKind[] = "citizen_personal_information";

// One business of a pre-application.
inline v1::PreApplicationBusiness Business(
    const std::string& id, v1::BusinessProfile profile,
    std::vector<std::string> ministries) {
  v1::PreApplicationBusiness business;
  business.set_business_id(id);
  *business.mutable_profile() = std::move(profile);
  for (std::string& ministry : ministries) {
    business.add_ministries("ministries/" + ministry);
  }
  return business;
}

// A pre-application of a SaaS on its own platform with `businesses`. A CSP
// has one ACTIVE pre-application per service name, so without one each call
// names another SaaS ("クラウド名刺サービス 1", "… 2", ...).
inline v1::PreApplication PreApplication(
    std::vector<v1::PreApplicationBusiness> businesses,
    const std::string& service_name = "") {
  static std::atomic<int> services{0};
  v1::PreApplication pre;
  pre.set_service_name(service_name.empty() ? "クラウド名刺サービス " +
                                                  std::to_string(++services)
                                            : service_name);
  pre.set_service_description("名刺とアカウントを管理する SaaS");
  pre.mutable_platform()->mutable_own()->set_description("自社データセンター");
  for (v1::PreApplicationBusiness& business : businesses) {
    *pre.add_businesses() = std::move(business);
  }
  return pre;
}

}  // namespace ismap::liu::testing

#endif  // ISMAP_LIU_TESTS_ELIGIBILITY_ELIGIBILITY_TESTING_H_
