// Routing rules of the policy (§5), without a database.

#include <gtest/gtest.h>

#include "services/routing/domain/policy.h"

namespace tousu::routing {
namespace {

namespace cv1 = complaints::common::v1;

const std::vector<Rule> kRules = {
    {cv1::CATEGORY_PRODUCT_QUALITY, "", "engineering"},
    {cv1::CATEGORY_SALES_SERVICE, "", "sales"},
    {cv1::CATEGORY_HANDOVER, "", "handover"},
    {cv1::CATEGORY_PROPERTY_SERVICE, "", "property"},
    {cv1::CATEGORY_PROPERTY_SERVICE, "翠湖花园", "property-cuihu"},
};

Classification Classified(Category c, double confidence, std::vector<CategoryScore> others = {}) {
  Classification out;
  out.category = c;
  out.confidence = confidence;
  out.others = std::move(others);
  return out;
}

TEST(RoutingPolicy, TheCategoryStaffChoseWinsOverTheClassifier) {
  RoutingInput in;
  in.staff_category = cv1::CATEGORY_HANDOVER;
  in.severity = cv1::SEVERITY_MEDIUM;
  in.classification = Classified(cv1::CATEGORY_PRODUCT_QUALITY, 0.99);
  auto d = Decide(in, kRules, Policy{});
  EXPECT_FALSE(d.to_supervisor);
  EXPECT_EQ(d.category, cv1::CATEGORY_HANDOVER);
  EXPECT_EQ(d.category_source, "staff");
  EXPECT_EQ(d.department_id, "handover");
}

TEST(RoutingPolicy, AClearComplaintGoesToTheDepartmentOfItsCategory) {
  RoutingInput in;
  in.severity = cv1::SEVERITY_HIGH;
  in.classification = Classified(cv1::CATEGORY_PRODUCT_QUALITY, 0.93);
  auto d = Decide(in, kRules, Policy{});
  EXPECT_FALSE(d.to_supervisor);
  EXPECT_EQ(d.department_id, "engineering");
  EXPECT_EQ(d.category_source, "classifier");
  ASSERT_EQ(d.ranking.size(), 4u);
  EXPECT_EQ(d.ranking.front(), cv1::CATEGORY_PRODUCT_QUALITY);
}

TEST(RoutingPolicy, AProjectsOwnRuleComesBeforeTheGeneralOne) {
  RoutingInput in;
  in.staff_category = cv1::CATEGORY_PROPERTY_SERVICE;
  in.project = "翠湖花园";
  EXPECT_EQ(Decide(in, kRules, Policy{}).department_id, "property-cuihu");
  in.project = "其他项目";
  EXPECT_EQ(Decide(in, kRules, Policy{}).department_id, "property");
}

TEST(RoutingPolicy, ACriticalComplaintGoesToTheSupervisor) {
  RoutingInput in;
  in.staff_category = cv1::CATEGORY_PRODUCT_QUALITY;
  in.severity = cv1::SEVERITY_CRITICAL;
  auto d = Decide(in, kRules, Policy{});
  EXPECT_TRUE(d.to_supervisor);
  EXPECT_EQ(d.supervisor_reason, "critical_severity");
}

TEST(RoutingPolicy, LowClassifierConfidenceGoesToTheSupervisor) {
  RoutingInput in;
  in.classification = Classified(cv1::CATEGORY_SALES_SERVICE, 0.45);
  auto d = Decide(in, kRules, Policy{.low_confidence = 0.6});
  EXPECT_TRUE(d.to_supervisor);
  EXPECT_EQ(d.supervisor_reason, "low_confidence");
  in.classification = Classified(cv1::CATEGORY_SALES_SERVICE, 0.65);
  EXPECT_FALSE(Decide(in, kRules, Policy{.low_confidence = 0.6}).to_supervisor);
}

TEST(RoutingPolicy, AComplaintTouchingSeveralDepartmentsGoesToTheSupervisor) {
  RoutingInput in;
  in.classification = Classified(cv1::CATEGORY_HANDOVER, 0.7, {{cv1::CATEGORY_PRODUCT_QUALITY, 0.28}});
  auto d = Decide(in, kRules, Policy{});
  EXPECT_TRUE(d.to_supervisor);
  EXPECT_EQ(d.supervisor_reason, "several_departments");
}

TEST(RoutingPolicy, ACategoryWithoutARuleGoesToTheSupervisor) {
  RoutingInput in;
  in.staff_category = cv1::CATEGORY_SALES_SERVICE;
  auto d = Decide(in, {{cv1::CATEGORY_HANDOVER, "", "handover"}}, Policy{});
  EXPECT_TRUE(d.to_supervisor);
  EXPECT_EQ(d.supervisor_reason, "no_routing_rule");
}

TEST(RoutingPolicy, TheDepartmentMustAcknowledgeWithinOneHourAroundTheClock) {
  const absl::Time routed = absl::FromCivil(absl::CivilSecond(2026, 2, 17, 3, 0, 0), absl::UTCTimeZone());
  const Policy policy;
  EXPECT_EQ(AckDue(routed, policy), routed + absl::Hours(1));  // a holiday night changes nothing
  EXPECT_TRUE(AckOnTime(routed + absl::Minutes(60), AckDue(routed, policy)));
  EXPECT_FALSE(AckOnTime(routed + absl::Minutes(60) + absl::Seconds(1), AckDue(routed, policy)));
}

TEST(RoutingPolicy, ARejectedComplaintGoesToTheNextLikelyDepartmentNotYetTried) {
  const std::vector<Category> ranking = {cv1::CATEGORY_PROPERTY_SERVICE, cv1::CATEGORY_PRODUCT_QUALITY,
                                         cv1::CATEGORY_HANDOVER, cv1::CATEGORY_SALES_SERVICE};
  auto r = AfterRejection(0, "", cv1::CATEGORY_PROPERTY_SERVICE, ranking, "", kRules, {"property"}, Policy{});
  EXPECT_FALSE(r.to_supervisor);
  EXPECT_EQ(r.department_id, "engineering");
  EXPECT_EQ(r.category, cv1::CATEGORY_PRODUCT_QUALITY);
}

TEST(RoutingPolicy, ADepartmentNamedByTheCoordinatorWins) {
  auto r = AfterRejection(0, "handover", cv1::CATEGORY_PRODUCT_QUALITY, {cv1::CATEGORY_PRODUCT_QUALITY}, "", kRules,
                          {"engineering"}, Policy{});
  EXPECT_FALSE(r.to_supervisor);
  EXPECT_EQ(r.department_id, "handover");
}

TEST(RoutingPolicy, TooManyBouncesSendTheComplaintToTheSupervisor) {
  auto r = AfterRejection(2, "handover", cv1::CATEGORY_PRODUCT_QUALITY, {}, "", kRules, {}, Policy{.max_bounces = 2});
  EXPECT_TRUE(r.to_supervisor);
  EXPECT_EQ(r.reason, "too_many_bounces");
}

TEST(RoutingPolicy, WhenEveryDepartmentWasTriedTheSupervisorDecides) {
  const std::vector<Category> ranking = {cv1::CATEGORY_SALES_SERVICE};
  auto r = AfterRejection(1, "", cv1::CATEGORY_SALES_SERVICE, ranking, "", kRules, {"sales"}, Policy{.max_bounces = 5});
  EXPECT_TRUE(r.to_supervisor);
  EXPECT_EQ(r.reason, "no_routing_rule");
}

}  // namespace
}  // namespace tousu::routing
