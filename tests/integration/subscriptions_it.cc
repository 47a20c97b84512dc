// deploy/subscriptions.txt tells every producer's outbox which services receive which event
// types. This test holds the file to the code: each service is built the way its main builds it,
// and the event types its EventSink handles must be exactly the types the file subscribes it to;
// every listed type must be an event its producer's events.proto defines; and the Kubernetes copy
// must be the same file. A handler nobody delivers to, or a delivery nobody handles, fails here.

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/client/staff_directory.h"
#include "common/config/config.h"
#include "common/events/event_type.h"
#include "common/server/server.h"
#include "services/analytics/analytics_service.h"
#include "services/case-handling/case_handling_service.h"
#include "services/follow-up/follow_up_service.h"
#include "services/intake/intake_service.h"
#include "services/notification/notification_service.h"
#include "services/routing/domain/classifier.h"
#include "services/routing/domain/labelled_examples.h"
#include "services/routing/routing_service.h"
#include "services/staff-assessment/assessment_service.h"
#include "services/staff-assessment/staff_service.h"
#include "tests/support/test_env.h"

namespace tousu {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The file as written: event type -> subscribers, and the producer whose heading ("# routing")
// the type is listed under.
struct SubscriptionFile {
  std::map<std::string, std::set<std::string>> subscribers;
  std::map<std::string, std::string> producer;
};

const std::vector<std::string>& ServiceNames() {
  static const std::vector<std::string> names = {"intake",      "routing",   "case-handling",
                                                 "follow-up",   "analytics", "staff-assessment",
                                                 "notification"};
  return names;
}

SubscriptionFile ParseSubscriptionFile(const std::string& text) {
  SubscriptionFile file;
  std::string heading;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    if (absl::ConsumePrefix(&line, "#")) {
      const std::string word(absl::StripAsciiWhitespace(line));
      for (const auto& name : ServiceNames()) {
        if (word == name) heading = word;
      }
      continue;
    }
    std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipWhitespace());
    const std::string type = words.front();
    EXPECT_EQ(file.subscribers.count(type), 0u) << type << " is listed twice";
    file.subscribers[type].insert(words.begin() + 1, words.end());
    file.producer[type] = heading;
  }
  return file;
}

// The events each producer defines: the messages of its events.proto.
std::set<std::string> EventsDefinedBy(const std::string& producer) {
  static const std::map<std::string, std::string> area = {{"intake", "intake"},
                                                          {"routing", "routing"},
                                                          {"case-handling", "casehandling"},
                                                          {"follow-up", "followup"},
                                                          {"analytics", "analytics"},
                                                          {"staff-assessment", "staff"},
                                                          {"notification", "notification"}};
  std::set<std::string> names;
  auto it = area.find(producer);
  if (it == area.end()) return names;
  const auto* file = google::protobuf::DescriptorPool::generated_pool()->FindFileByName(
      absl::StrCat("complaints/", it->second, "/v1/events.proto"));
  if (file == nullptr) return names;
  for (int i = 0; i < file->message_type_count(); ++i) names.insert(file->message_type(i)->name());
  if (producer == "staff-assessment") {
    // The directory's record events (their payloads are Department and Staff).
    names.insert(events::kDepartmentUpserted);
    names.insert(events::kStaffUpserted);
  }
  return names;
}

class Subscriptions : public ::testing::Test {
 protected:
  // A runtime as the service's main creates it (never started: only its EventSink is read).
  std::unique_ptr<server::ServiceRuntime> Runtime(const std::string& name,
                                                  const std::string& env_name) {
    const auto o = db_.options(1);
    const std::string p = absl::StrCat("TOUSU_", env_name, "_");
    config::Config cfg(
        env_name,
        {p + "GRPC_ADDR=127.0.0.1:0", p + "METRICS_ADDR=127.0.0.1:0", p + "DB_HOST=" + o.host,
         absl::StrCat(p, "DB_PORT=", o.port), p + "DB_USER=" + o.user,
         p + "DB_PASSWORD=" + o.password, p + "DB_NAME=" + o.database, p + "LOG_LEVEL=error",
         p + "CALENDAR_FILE=" + Source("deploy/calendar/cn-business-calendar.txt"),
         p + "SUBSCRIPTIONS_FILE=" + Source("deploy/subscriptions.txt")},
        {});
    server::RuntimeSpec spec;
    spec.name = name;
    spec.env_name = env_name;
    spec.needs_calendar = true;
    auto rt = server::ServiceRuntime::Create(spec, cfg);
    EXPECT_TRUE(rt.ok()) << name << ": " << rt.status();
    return rt.ok() ? std::move(*rt) : nullptr;
  }

  static std::string Source(const std::string& path) {
    return absl::StrCat(TOUSU_SOURCE_ROOT, "/", path);
  }

  // What each service's EventSink handles once the service is built.
  std::map<std::string, std::set<std::string>> HandledByService() {
    std::map<std::string, std::set<std::string>> handled;
    auto read = [&](const std::string& name, server::ServiceRuntime& rt) {
      for (const auto& type : rt.event_sink().HandledTypes()) handled[name].insert(type);
    };
    {
      auto rt = Runtime("intake", "INTAKE");
      intake::IntakeService service(*rt, {});
      read("intake", *rt);
    }
    {
      auto rt = Runtime("routing", "ROUTING");
      auto examples =
          routing::LoadLabelledExamples(Source("deploy/routing/labelled-complaints.tsv"));
      EXPECT_TRUE(examples.ok()) << examples.status();
      auto classifier = routing::Classifier::Train(*examples);
      EXPECT_TRUE(classifier.ok()) << classifier.status();
      routing::RoutingService service(*rt, *std::move(classifier),
                                      client::StaffDirectory("127.0.0.1:1", absl::Seconds(1)), {});
      read("routing", *rt);
    }
    {
      auto rt = Runtime("case-handling", "CASE_HANDLING");
      casehandling::CaseHandlingService service(*rt, {});
      read("case-handling", *rt);
    }
    {
      auto rt = Runtime("follow-up", "FOLLOW_UP");
      followup::Settings settings;
      settings.staff_assessment_addr = "127.0.0.1:1";  // never called: nothing is delivered
      followup::FollowUpService service(*rt, settings);
      read("follow-up", *rt);
    }
    {
      auto rt = Runtime("analytics", "ANALYTICS");
      analytics::AnalyticsService service(*rt, {});
      read("analytics", *rt);
    }
    {
      auto rt = Runtime("staff-assessment", "STAFF_ASSESSMENT");
      staff::StaffService directory(*rt);
      staff::AssessmentService assessment(*rt, {});
      read("staff-assessment", *rt);
    }
    {
      auto rt = Runtime("notification", "NOTIFICATION");
      notification::Settings settings;
      settings.intake_addr = settings.staff_assessment_addr = "127.0.0.1:1";  // never called
      auto templates = notification::TemplateSet::Load(Source("deploy/notification/templates.txt"));
      EXPECT_TRUE(templates.ok()) << templates.status();
      notification::NotificationService service(*rt, settings, *std::move(templates), {});
      read("notification", *rt);
    }
    return handled;
  }

  testing::ScratchDatabase db_;
};

TEST_F(Subscriptions, EveryServiceIsSubscribedToExactlyTheEventsItHandles) {
  const SubscriptionFile file = ParseSubscriptionFile(ReadFile(Source("deploy/subscriptions.txt")));
  ASSERT_GT(file.subscribers.size(), 20u);
  const auto handled = HandledByService();
  ASSERT_EQ(handled.size(), ServiceNames().size()) << "every service consumes events";
  for (const auto& service : ServiceNames()) {
    std::set<std::string> subscribed;
    for (const auto& [type, subscribers] : file.subscribers) {
      if (subscribers.count(service) > 0) subscribed.insert(type);
    }
    const auto it = handled.find(service);
    const std::set<std::string> handles =
        it == handled.end() ? std::set<std::string>{} : it->second;
    std::vector<std::string> unhandled, undelivered;
    for (const auto& type : subscribed) {
      if (handles.count(type) == 0) unhandled.push_back(type);
    }
    for (const auto& type : handles) {
      if (subscribed.count(type) == 0) undelivered.push_back(type);
    }
    EXPECT_TRUE(unhandled.empty())
        << service
        << " is subscribed to events it has no handler for: " << absl::StrJoin(unhandled, ", ");
    EXPECT_TRUE(undelivered.empty())
        << service << " handles events nobody delivers to it: " << absl::StrJoin(undelivered, ", ");
  }
}

TEST_F(Subscriptions, EveryListedEventIsOneItsProducerDefines) {
  const SubscriptionFile file = ParseSubscriptionFile(ReadFile(Source("deploy/subscriptions.txt")));
  for (const auto& [type, producer] : file.producer) {
    EXPECT_FALSE(producer.empty()) << type << " is listed under no producer's heading";
    EXPECT_EQ(EventsDefinedBy(producer).count(type), 1u)
        << type << " is listed under " << producer << ", whose events.proto does not define it";
    for (const auto& subscriber : file.subscribers.at(type)) {
      EXPECT_NE(std::find(ServiceNames().begin(), ServiceNames().end(), subscriber),
                ServiceNames().end())
          << type << ": no service is called " << subscriber;
    }
  }
}

TEST_F(Subscriptions, TheKubernetesCopyIsTheSameFile) {
  EXPECT_EQ(ReadFile(Source("k8s/base/shared/subscriptions.txt")),
            ReadFile(Source("deploy/subscriptions.txt")));
}

}  // namespace
}  // namespace tousu
