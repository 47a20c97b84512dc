// The edge's allow-list: how deploy/gateway/public-rpcs.txt reads, what it refuses, and where each
// RPC is forwarded.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/gateway/public_rpcs.h"

namespace tousu::gateway {
namespace {

using ::testing::HasSubstr;

TEST(PublicRpcs, LinesNameTheRpcAndWhetherATokenIsNeeded) {
  auto routes = ParsePublicRpcs(
      "# heading\n"
      "\n"
      "complaints.intake.v1.IntakeService/SubmitComplaint   token   # a comment\n"
      "\tcomplaints.identity.v1.CustomerIdentityService/SignIn\tanonymous\n");
  ASSERT_TRUE(routes.ok()) << routes.status();
  ASSERT_EQ(routes->size(), 2u);
  const PublicRoute& submit = routes->at("/complaints.intake.v1.IntakeService/SubmitComplaint");
  EXPECT_EQ(submit.service, "complaints.intake.v1.IntakeService");
  EXPECT_EQ(submit.method, "SubmitComplaint");
  EXPECT_EQ(submit.access, RouteAccess::kToken);
  EXPECT_EQ(submit.upstream_env, "INTAKE");
  const PublicRoute& sign_in = routes->at("/complaints.identity.v1.CustomerIdentityService/SignIn");
  EXPECT_EQ(sign_in.access, RouteAccess::kAnonymous);
  EXPECT_EQ(sign_in.upstream_env, "IDENTITY");
}

TEST(PublicRpcs, AMalformedLineIsRefusedNamingItsNumber) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"complaints.intake.v1.IntakeService/SubmitComplaint\n", "line 1"},
      {"# ok\ncomplaints.intake.v1.IntakeService/SubmitComplaint  public\n", "line 2"},
      {"complaints.intake.v1.IntakeService.SubmitComplaint  token\n", "line 1"},
      {"complaints.intake.v1.IntakeService/SubmitComplaint  token extra\n", "line 1"},
      {"complaints.intake.v1.IntakeService/SubmitComplaint  token\n"
       "complaints.intake.v1.IntakeService/SubmitComplaint  anonymous\n",
       "line 2"},
      {"grpc.health.v1.Health/Check  anonymous\n", "no upstream"},
  };
  for (const auto& [text, expected] : bad) {
    auto routes = ParsePublicRpcs(text);
    ASSERT_FALSE(routes.ok()) << text;
    EXPECT_THAT(routes.status().message(), HasSubstr(expected)) << text;
  }
}

TEST(PublicRpcs, AnRpcThatDoesNotExistRefusesTheStart) {
  auto typo = ParsePublicRpcs("complaints.intake.v1.IntakeService/SubmitComplain  token\n");
  ASSERT_TRUE(typo.ok());
  const absl::Status s = CheckRoutesExist(*typo);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr("SubmitComplain"));
}

TEST(PublicRpcs, TheDeployedListParsesAndEveryRpcExists) {
  auto routes = LoadPublicRpcs(TOUSU_PUBLIC_RPCS_FILE);
  ASSERT_TRUE(routes.ok()) << routes.status();
  EXPECT_EQ(routes->at("/complaints.intake.v1.IntakeService/GetComplaint").access,
            RouteAccess::kToken);
  EXPECT_EQ(routes->at("/complaints.followup.v1.FollowUpService/SubmitQuestionnaire").access,
            RouteAccess::kAnonymous);
  for (const auto& [path, route] : *routes) {
    // Nothing internal is public: the event sink, the audit trail, staff administration.
    EXPECT_NE(route.service, "complaints.common.v1.EventSink");
    EXPECT_NE(route.service, "complaints.common.v1.AuditTrail");
    EXPECT_NE(route.service, "complaints.staff.v1.StaffService");
    EXPECT_NE(route.service, "complaints.staff.v1.AssessmentService");
  }
}

TEST(PublicRpcs, EachPackageGoesToItsService) {
  EXPECT_EQ(UpstreamEnvFor("complaints.intake.v1.IntakeService"), "INTAKE");
  EXPECT_EQ(UpstreamEnvFor("complaints.routing.v1.RoutingService"), "ROUTING");
  EXPECT_EQ(UpstreamEnvFor("complaints.casehandling.v1.CaseService"), "CASE_HANDLING");
  EXPECT_EQ(UpstreamEnvFor("complaints.followup.v1.FollowUpService"), "FOLLOW_UP");
  EXPECT_EQ(UpstreamEnvFor("complaints.analytics.v1.AnalyticsService"), "ANALYTICS");
  EXPECT_EQ(UpstreamEnvFor("complaints.staff.v1.StaffService"), "STAFF_ASSESSMENT");
  EXPECT_EQ(UpstreamEnvFor("complaints.identity.v1.CustomerIdentityService"), "IDENTITY");
  EXPECT_EQ(UpstreamEnvFor("complaints.common.v1.EventSink"), std::nullopt);
  EXPECT_EQ(UpstreamEnvFor("grpc.reflection.v1alpha.ServerReflection"), std::nullopt);
}

}  // namespace
}  // namespace tousu::gateway
