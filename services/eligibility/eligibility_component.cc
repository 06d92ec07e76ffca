// Assembly of the eligibility component.
#include "services/eligibility/eligibility_component.h"

#include "services/common/status_macros.h"
#include "services/common/storage/migrations.h"
#include "services/eligibility/eligibility_store.h"

namespace ismap::liu {

EligibilityComponent::EligibilityComponent(
    storage::Database* database, const RuleSet* rules,
    const PeerChannel* impact, const UnaryCallRunner* runner,
    BoundedExecutor* executor, const v1::InformationVocabulary* vocabulary,
    const v1::ReviewPolicy* review_policy)
    : notifier_(absl::Seconds(1)),
      lists_(vocabulary),
      assessments_(impact),
      recorder_(database, &lists_, &assessments_, review_policy,
                rules->version(), &notifier_),
      follower_(database, impact, &assessments_, &recorder_),
      eligibility_(EligibilityContext{runner, executor, &notifier_, database,
                                      rules, &lists_, &assessments_,
                                      &recorder_}),
      review_(EligibilityContext{runner, executor, &notifier_, database, rules,
                                 &lists_, &assessments_, &recorder_}) {}

EligibilityComponent::~EligibilityComponent() { Stop(); }

void EligibilityComponent::Stop() {
  follower_.Stop();
  notifier_.Close();
}

absl::StatusOr<std::unique_ptr<EligibilityComponent>>
EligibilityComponent::Create(storage::Database* database, const RuleSet* rules,
                             const PeerChannel* impact,
                             const UnaryCallRunner* runner,
                             BoundedExecutor* executor, absl::Time now) {
  ASSIGN_OR_RETURN(const v1::InformationVocabulary* vocabulary,
                   rules->Require<v1::InformationVocabulary>());
  ASSIGN_OR_RETURN(const v1::ReviewPolicy* review_policy,
                   rules->Require<v1::ReviewPolicy>());
  ASSIGN_OR_RETURN(const v1::TargetBusinessList* list,
                   rules->Require<v1::TargetBusinessList>());
  RETURN_IF_ERROR(storage::ApplyMigrations(
      *database, eligibility::EligibilityStore::kComponent,
      eligibility::EligibilityStore::Migrations(), now));
  std::unique_ptr<EligibilityComponent> component(new EligibilityComponent(
      database, rules, impact, runner, executor, vocabulary, review_policy));
  RETURN_IF_ERROR(
      component->lists_.Seed(*database, *list, rules->version(), now));
  return component;
}

}  // namespace ismap::liu
