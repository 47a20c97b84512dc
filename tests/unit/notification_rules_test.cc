// The notification service's pure rules: templates, which event tells whom, quiet hours, caps.

#include <gtest/gtest.h>

#include "common/events/event_type.h"
#include "common/time/beijing_zone.h"
#include "common/time/proto_time.h"
#include "complaints/casehandling/v1/events.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "services/notification/domain/delivery_rules.h"
#include "services/notification/domain/event_notices.h"
#include "services/notification/domain/templates.h"

namespace tousu::notification {
namespace {

absl::Time Beijing(int y, int mo, int d, int h, int mi = 0) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), time::BeijingZone());
}

TEST(Templates, TheShippedFileLoadsWithEveryKind) {
  auto set = TemplateSet::Load(TOUSU_TEMPLATES_FILE);
  ASSERT_TRUE(set.ok()) << set.status();
  for (const auto& kind : NoticeKinds()) {
    ASSERT_NE(set->Find(kind.name), nullptr) << kind.name;
  }
  EXPECT_TRUE(set->Find("received")->urgent);
  EXPECT_FALSE(set->Find("progress")->essential);
  EXPECT_EQ(set->Find("solution_proposed")->topic, "方案待确认");
}

TEST(Templates, RendersTextSubjectAndTheProviderParametersInOrderOfUse) {
  auto set = TemplateSet::Parse(
      "[deadline_extended]\naudience = customer\nessential = yes\nurgent = no\ntopic = 延期\n"
      "[deadline_extended.sms]\nprovider_template = SMS_X\n"
      "text = 投诉{number}延至{new_due}，原因：{reason}。{number}\n"
      "[deadline_extended.email]\nsubject = 延期 {number}\ntext = 第一行\\n{reason}\n");
  ASSERT_TRUE(set.ok()) << set.status();
  Variables vars = {{"number", "TS-202612-000001"}, {"new_due", "12月9日"}, {"reason", "需检测"}};
  auto sms = set->Render("deadline_extended", "sms", vars);
  ASSERT_TRUE(sms.has_value());
  EXPECT_EQ(sms->text, "投诉TS-202612-000001延至12月9日，原因：需检测。TS-202612-000001");
  EXPECT_EQ(sms->provider_template, "SMS_X");
  ASSERT_EQ(sms->provider_params.size(), 3u);
  EXPECT_EQ(sms->provider_params[0].first, "number");
  EXPECT_EQ(sms->provider_params[1].first, "new_due");
  EXPECT_EQ(sms->provider_params[2].second, "需检测");
  auto email = set->Render("deadline_extended", "email", vars);
  EXPECT_EQ(email->subject, "延期 TS-202612-000001");
  EXPECT_EQ(email->text, "第一行\n需检测");
  EXPECT_FALSE(set->Render("deadline_extended", "webhook", vars).has_value());
}

TEST(Templates, AnUnknownVariableNamesTheTemplate) {
  auto set = TemplateSet::Parse(
      "[closed]\naudience = customer\nessential = no\nurgent = no\ntopic = 结案\n"
      "[closed.sms]\nprovider_template = SMS_C\ntext = 投诉{number}已结案{nmuber}\n");
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.status().message().find("[closed.sms]"), std::string::npos) << set.status();
  EXPECT_NE(set.status().message().find("{nmuber}"), std::string::npos) << set.status();
}

TEST(Templates, StaffTemplatesAreNeverOfferedTheCustomersName) {
  auto set = TemplateSet::Parse(
      "[ack_overdue]\naudience = staff\nessential = yes\nurgent = yes\ntopic = 超时\n"
      "[ack_overdue.email]\nsubject = {number}\ntext = 客户{customer_name}的投诉超时\n");
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.status().message().find("{customer_name}"), std::string::npos);
}

TEST(Templates, StructuralMistakesAreRefused) {
  const char* meta = "[closed]\naudience = customer\nessential = no\nurgent = no\ntopic = t\n";
  EXPECT_FALSE(TemplateSet::Parse(std::string(meta) + "[closed.fax]\ntext = x\n").ok());
  EXPECT_FALSE(TemplateSet::Parse(std::string(meta) + "[closed.sms]\ntext = x\n").ok());
  EXPECT_FALSE(TemplateSet::Parse(std::string(meta) + "[closed.in_app]\ntext = {x\n").ok());
  EXPECT_FALSE(TemplateSet::Parse(std::string(meta)).ok());  // no channel at all
  EXPECT_FALSE(TemplateSet::Parse("[nonsense]\naudience = customer\n").ok());
  EXPECT_FALSE(TemplateSet::Parse("[closed]\naudience = staff\nessential = no\nurgent = no\n"
                                  "topic = t\n[closed.in_app]\ntext = x\n")
                   .ok());
}

TEST(QuietHours, NonUrgentMessagesWaitForEightInTheMorning) {
  const DeliveryPolicy p;
  EXPECT_EQ(EarliestSend(p, Beijing(2026, 12, 7, 21, 59), false), Beijing(2026, 12, 7, 21, 59));
  EXPECT_EQ(EarliestSend(p, Beijing(2026, 12, 7, 22, 0), false), Beijing(2026, 12, 8, 8));
  EXPECT_EQ(EarliestSend(p, Beijing(2026, 12, 31, 23, 30), false), Beijing(2027, 1, 1, 8));
  EXPECT_EQ(EarliestSend(p, Beijing(2026, 12, 8, 3, 0), false), Beijing(2026, 12, 8, 8));
  EXPECT_EQ(EarliestSend(p, Beijing(2026, 12, 8, 8, 0), false), Beijing(2026, 12, 8, 8));
  // Urgent ones (the receipt of a complaint called in at 3 a.m.) go at once.
  EXPECT_EQ(EarliestSend(p, Beijing(2026, 12, 8, 3, 0), true), Beijing(2026, 12, 8, 3, 0));
}

TEST(CustomerChoices, OptOutAndTheDailyCapSpareEssentialNotices) {
  DeliveryPolicy p;
  p.daily_cap = 2;
  CustomerPreferences prefs;
  EXPECT_EQ(CustomerSuppression(p, prefs, kSms, false, true, 1), "");
  EXPECT_EQ(CustomerSuppression(p, prefs, kSms, false, true, 2), "daily_cap");
  EXPECT_EQ(CustomerSuppression(p, prefs, kSms, true, true, 50), "");
  prefs.essential_only = true;
  EXPECT_EQ(CustomerSuppression(p, prefs, kSms, false, true, 0), "opted_out");
  EXPECT_EQ(CustomerSuppression(p, prefs, kSms, true, true, 0), "");
  EXPECT_EQ(CustomerSuppression(p, prefs, kInApp, false, false, 99), "");
  EXPECT_EQ(CustomerSuppression(p, prefs, kEmail, true, false, 0), "no_address");
  prefs.email = false;
  EXPECT_EQ(CustomerSuppression(p, prefs, kEmail, true, true, 0), "channel_off");
  // SMS turned off: routine notices stay in the app, required ones still reach the phone.
  prefs.sms = false;
  EXPECT_EQ(CustomerSuppression(p, prefs, kSms, false, true, 0), "channel_off");
  EXPECT_EQ(CustomerSuppression(p, prefs, kSms, true, true, 0), "");
}

TEST(Backoff, DoublesUpToTheCap) {
  DeliveryPolicy p;
  p.first_backoff = absl::Seconds(5);
  p.max_backoff = absl::Seconds(30);
  EXPECT_EQ(Backoff(p, 1), absl::Seconds(5));
  EXPECT_EQ(Backoff(p, 2), absl::Seconds(10));
  EXPECT_EQ(Backoff(p, 3), absl::Seconds(20));
  EXPECT_EQ(Backoff(p, 4), absl::Seconds(30));
  EXPECT_EQ(Backoff(p, 40), absl::Seconds(30));
}

template <typename Message>
complaints::common::v1::Event Envelope(const Message& m) {
  complaints::common::v1::Event e;
  e.set_event_id("e1");
  e.set_event_type(events::EventTypeOf<Message>());
  e.mutable_payload()->PackFrom(m);
  return e;
}

TEST(EventNotices, TheExtensionCarriesItsReasonAndNewDateInBeijingTime) {
  complaints::casehandling::v1::SolutionDeadlineExtended m;
  m.set_number("TS-202612-000001");
  m.set_reason("需第三方检测");
  time::ToProto(Beijing(2026, 12, 14, 18), m.mutable_new_due());
  auto notices = NoticesFor(Envelope(m));
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].kind, "deadline_extended");
  EXPECT_EQ(notices[0].recipient, kCustomerRecipient);
  EXPECT_EQ(notices[0].variables.at("new_due"), "2026年12月14日 18:00");
  EXPECT_EQ(notices[0].variables.at("reason"), "需第三方检测");
}

TEST(EventNotices, StaffAlertsGoToTheNamedPeople) {
  complaints::routing::v1::AcknowledgementOverdue late;
  late.set_number("TS-202612-000002");
  late.set_department_id("engineering");
  auto notices = NoticesFor(Envelope(late));
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].recipient, "supervisor:engineering");

  complaints::casehandling::v1::SolutionDeadlineMissed missed;
  missed.set_number("TS-202612-000002");
  missed.set_department_id("engineering");
  missed.set_owner_staff_id("S0007");
  notices = NoticesFor(Envelope(missed));
  ASSERT_EQ(notices.size(), 2u);
  EXPECT_EQ(notices[0].recipient, "staff:S0007");
  EXPECT_EQ(notices[1].recipient, "supervisor:engineering");
}

TEST(EventNotices, AComplaintLeftInTheSupervisorQueueAlertsTheComplaintOfficeManager) {
  complaints::routing::v1::SupervisorQueueOverdue waiting;
  waiting.set_number("TS-202612-000004");
  waiting.set_reason("too_many_bounces");
  // 10:00 and 11:00 on 7 December in Beijing.
  waiting.mutable_queued_at()->set_seconds(1796608800);
  waiting.mutable_queue_due()->set_seconds(1796612400);
  auto notices = NoticesFor(Envelope(waiting));
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].kind, "queue_overdue");
  EXPECT_EQ(notices[0].recipient, "office_manager");
  EXPECT_EQ(notices[0].variables["queue_reason"], "多次被退回");
  EXPECT_EQ(notices[0].variables["queued_at"], "2026年12月7日 10:00");
  EXPECT_EQ(notices[0].variables["queue_due"], "2026年12月7日 11:00");
  EXPECT_EQ(QueueReasonText("something_new"), "需上级领导决定");
}

TEST(EventNotices, OnlyTheFirstCycleOpeningIsAnnouncedAndRoutineProgressIsNot) {
  complaints::casehandling::v1::CaseOpened opened;
  opened.set_number("TS-202612-000003");
  opened.set_cycle(2);
  EXPECT_TRUE(NoticesFor(Envelope(opened)).empty());
  opened.set_cycle(1);
  EXPECT_EQ(NoticesFor(Envelope(opened)).at(0).kind, "acknowledged");
  complaints::casehandling::v1::ImplementationProgressRecorded progress;
  progress.set_number("TS-202612-000003");
  EXPECT_TRUE(NoticesFor(Envelope(progress)).empty());
  progress.set_plan_changed(true);
  progress.set_note("内部：供应商延期");
  progress.set_customer_explanation("材料到货推迟，完工顺延一周");
  EXPECT_EQ(NoticesFor(Envelope(progress)).at(0).kind, "plan_changed");
  EXPECT_EQ(NoticesFor(Envelope(progress)).at(0).variables.at("note"),
            "材料到货推迟，完工顺延一周");
}

}  // namespace
}  // namespace tousu::notification
