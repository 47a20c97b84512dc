// A signed-in customer answering the questionnaire by their complaint's number: the request
// checks (services/follow-up/domain/request_checks.h) and the intake setting it needs.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/follow-up/domain/request_checks.h"
#include "services/follow-up/settings.h"

namespace tousu::followup {
namespace {

fv1::SubmitQuestionnaireRequest ByNumber(const std::string& number) {
  fv1::SubmitQuestionnaireRequest req;
  req.set_number(number);
  req.set_satisfaction(4);
  return req;
}

TEST(QuestionnaireByNumber, ANumberStandsInsteadOfTheLinkToken) {
  EXPECT_TRUE(CheckSubmitQuestionnaire(ByNumber("TS-202611-000123")).ok());
}

TEST(QuestionnaireByNumber, ExactlyOneOfTokenAndNumber) {
  fv1::SubmitQuestionnaireRequest both = ByNumber("TS-202611-000123");
  both.set_token(std::string(43, 'A'));
  const absl::Status s = CheckSubmitQuestionnaire(both);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().substr(0, 6), "token:");
  fv1::SubmitQuestionnaireRequest neither = ByNumber("");
  EXPECT_EQ(CheckSubmitQuestionnaire(neither).message().substr(0, 6), "token:");
}

TEST(QuestionnaireByNumber, AMalformedNumberIsNamed) {
  const absl::Status s = CheckSubmitQuestionnaire(ByNumber("TS-1"));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().substr(0, 7), "number:");
}

TEST(QuestionnaireByNumber, TheAnswerIsStillChecked) {
  fv1::SubmitQuestionnaireRequest req = ByNumber("TS-202611-000123");
  req.set_satisfaction(6);
  EXPECT_EQ(CheckSubmitQuestionnaire(req).message().substr(0, 13), "satisfaction:");
}

absl::StatusOr<Settings> From(std::vector<std::string> env) {
  env.push_back("TOUSU_FOLLOW_UP_STAFF_ASSESSMENT_ADDR=127.0.0.1:7006");
  return Settings::FromConfig(config::Config("FOLLOW_UP", env, {}));
}

TEST(QuestionnaireByNumber, IntakeIsOptionalAndItsTimeoutPositive) {
  auto none = From({});
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->intake_addr, "");
  EXPECT_EQ(none->intake_timeout, absl::Seconds(2));
  auto set =
      From({"TOUSU_FOLLOW_UP_INTAKE_ADDR=127.0.0.1:7101", "TOUSU_FOLLOW_UP_INTAKE_TIMEOUT=500ms"});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->intake_addr, "127.0.0.1:7101");
  EXPECT_EQ(set->intake_timeout, absl::Milliseconds(500));
  auto bad = From({"TOUSU_FOLLOW_UP_INTAKE_TIMEOUT=0s"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("TOUSU_FOLLOW_UP_INTAKE_TIMEOUT"), std::string::npos)
      << bad.status();
}

}  // namespace
}  // namespace tousu::followup
