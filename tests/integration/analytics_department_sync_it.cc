// Analytics reads the staff directory's department names (client::DepartmentNameSync), so the
// monthly report names also departments no DepartmentUpserted event ever announced (those loaded
// with the seed data); the events and the directory keep a name by one rule. A stand-in directory
// answers on loopback; the database is real.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/events/event_type.h"
#include "common/events/outbox.h"
#include "common/time/proto_time.h"
#include "complaints/intake/v1/events.pb.h"
#include "complaints/routing/v1/events.pb.h"
#include "complaints/staff/v1/staff.grpc.pb.h"
#include "services/analytics/access.h"
#include "services/analytics/analytics_service.h"
#include "tests/support/shanghai_time.h"
#include "tests/support/stand_in_directory.h"
#include "tests/support/test_env.h"

namespace tousu::analytics {
namespace {

namespace cv1 = complaints::common::v1;
namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;
namespace sv1 = complaints::staff::v1;
using ::tousu::testing::Shanghai;

using ::tousu::testing::StandInDirectory;

// An analytics service in-process against a scratch database, asking `directory_addr` ("": none).
class Analytics {
 public:
  Analytics(const testing::ScratchDatabase& db, const std::string& directory_addr) : db_(db) {
    std::vector<std::string> env = testing::InProcessEnv("ANALYTICS", db.options(4));
    env.push_back("TOUSU_ANALYTICS_LOG_LEVEL=error");
    env.push_back(std::string("TOUSU_ANALYTICS_CALENDAR_FILE=") + TOUSU_CALENDAR_FILE);
    env.push_back(std::string("TOUSU_ANALYTICS_SUBSCRIPTIONS_FILE=") + TOUSU_SUBSCRIPTIONS_FILE);
    if (!directory_addr.empty()) {
      env.push_back("TOUSU_ANALYTICS_STAFF_ASSESSMENT_ADDR=" + directory_addr);
    }
    const config::Config cfg("ANALYTICS", env, {});
    auto settings = Settings::FromConfig(cfg);
    EXPECT_TRUE(settings.ok()) << settings.status();
    auto rt = server::ServiceRuntime::Create({.name = "analytics",
                                              .env_name = "ANALYTICS",
                                              .grpc_services = {kGrpcServiceName},
                                              .migrations = &db::analytics_migrations(),
                                              .needs_calendar = true,
                                              .access = AnalyticsAccessTable()},
                                             cfg);
    EXPECT_TRUE(rt.ok()) << rt.status();
    rt_ = std::move(*rt);
    service_ = std::make_unique<AnalyticsService>(*rt_, *settings);
    EXPECT_TRUE(rt_->Start().ok());
    EXPECT_TRUE(rt_->WaitUntilServing(absl::Seconds(20)));
  }
  ~Analytics() { rt_->Shutdown(); }

  AnalyticsService& service() { return *service_; }

  void Deliver(const std::string& type, const std::string& aggregate,
               const google::protobuf::Message& payload, absl::Time at) {
    cv1::Event e;
    e.set_event_id(events::NewEventId());
    e.set_event_type(type);
    e.set_aggregate_id(aggregate);
    e.set_producer("test");
    *e.mutable_occurred_at() = time::ToProto(at);
    e.mutable_payload()->PackFrom(payload);
    auto applied = rt_->event_sink().Apply(e);
    ASSERT_TRUE(applied.ok()) << applied.status();
  }

  // The directory's DepartmentUpserted for `id`, changed at `updated_at`.
  void Upserted(const std::string& id, const std::string& name, absl::Time updated_at) {
    sv1::Department d;
    d.set_id(id);
    d.set_name(name);
    *d.mutable_updated_at() = time::ToProto(updated_at);
    Deliver(std::string(events::kDepartmentUpserted), id, d, updated_at);
  }

  // One complaint of March 2026, routed to `department`.
  void RoutedComplaint(const std::string& number, const std::string& department) {
    const absl::Time received = Shanghai(2026, 3, 10, 9);
    iv1::ComplaintReceived rec;
    rec.set_number(number);
    rec.set_channel(cv1::CHANNEL_HOTLINE);
    rec.set_severity(cv1::SEVERITY_MEDIUM);
    rec.set_project("翠湖天地");
    *rec.mutable_received_at() = time::ToProto(received);
    Deliver("ComplaintReceived", number, rec, received);
    rv1::ComplaintRouted routed;
    routed.set_number(number);
    routed.set_category(cv1::CATEGORY_PRODUCT_QUALITY);
    routed.set_department_id(department);
    *routed.mutable_routed_at() = time::ToProto(received + absl::Minutes(5));
    Deliver("ComplaintRouted", number, routed, received + absl::Minutes(5));
  }

  // The labels of the March 2026 report's department chart.
  std::string DepartmentChart() {
    av1::MonthlyReport report;
    const absl::Status s = service_->GenerateReport(2026, 3, &report);
    EXPECT_TRUE(s.ok()) << s;
    const std::string& html = report.html();
    const size_t chart = html.find("按责任部门统计");
    if (chart == std::string::npos) return "";
    return html.substr(chart, html.find("</svg>", chart) - chart);
  }

  std::string NameOf(const std::string& id) const {
    return db_.QueryScalar("SELECT name FROM department_names WHERE department_id = '" + id + "'");
  }

 private:
  const testing::ScratchDatabase& db_;
  std::unique_ptr<server::ServiceRuntime> rt_;
  std::unique_ptr<AnalyticsService> service_;
};

TEST(AnalyticsDepartmentNames, TheReportNamesADepartmentNoEventAnnouncedAsTheDirectoryDoes) {
  StandInDirectory directory;
  const absl::Time changed = Shanghai(2026, 2, 1, 9);
  directory.Set("engineering", "工程质量部", changed);
  directory.Set("legal", "法务部", changed);
  directory.Set("not an id", "无效部门", changed);
  testing::ScratchDatabase db;
  Analytics analytics(db, directory.address());
  analytics.RoutedComplaint("TS-202603-000001", "engineering");
  EXPECT_TRUE(absl::StrContains(analytics.DepartmentChart(), ">engineering</text>"));

  client::DepartmentNameSync* sync = analytics.service().department_sync();
  ASSERT_NE(sync, nullptr);
  absl::StatusOr<int> kept = sync->RunOnce();
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(*kept, 2);  // an id the directory could not have issued is not kept
  EXPECT_EQ(analytics.NameOf("legal"), "法务部");
  const std::string chart = analytics.DepartmentChart();
  EXPECT_TRUE(absl::StrContains(chart, ">工程质量部</text>")) << chart;
  EXPECT_FALSE(absl::StrContains(chart, ">engineering</text>"));

  // While the directory does not answer, the names kept serve.
  directory.Stop();
  EXPECT_FALSE(sync->RunOnce().ok());
  EXPECT_TRUE(absl::StrContains(analytics.DepartmentChart(), ">工程质量部</text>"));
}

TEST(AnalyticsDepartmentNames, TheEventsAndTheDirectoryKeepTheNewerNameWhicheverComesFirst) {
  StandInDirectory directory;
  const absl::Time changed = Shanghai(2026, 2, 1, 9);
  testing::ScratchDatabase db;
  Analytics analytics(db, directory.address());
  client::DepartmentNameSync* sync = analytics.service().department_sync();
  ASSERT_NE(sync, nullptr);

  // An event newer than the directory's listing stays.
  analytics.Upserted("engineering", "工程质量二部", changed + absl::Hours(1));
  directory.Set("engineering", "工程质量部", changed);
  ASSERT_TRUE(sync->RunOnce().ok());
  EXPECT_EQ(analytics.NameOf("engineering"), "工程质量二部");
  // A listing newer than the event replaces it, and an older event does not undo that.
  directory.Set("engineering", "工程质量三部", changed + absl::Hours(2));
  ASSERT_TRUE(sync->RunOnce().ok());
  EXPECT_EQ(analytics.NameOf("engineering"), "工程质量三部");
  analytics.Upserted("engineering", "工程部", changed + absl::Hours(1));
  EXPECT_EQ(analytics.NameOf("engineering"), "工程质量三部");
  // A listing that does not say when the department changed never replaces a dated name.
  directory.Set("engineering", "未注明时间", absl::InfinitePast());
  ASSERT_TRUE(sync->RunOnce().ok());
  EXPECT_EQ(analytics.NameOf("engineering"), "工程质量三部");
  // A name analytics cannot keep is not kept, by either path.
  directory.Set("engineering", "", changed + absl::Hours(3));
  absl::StatusOr<int> kept = sync->RunOnce();
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(*kept, 0);
  EXPECT_EQ(analytics.NameOf("engineering"), "工程质量三部");
}

TEST(AnalyticsDepartmentNames, WithoutADirectoryTheNamesComeFromTheEventsOnly) {
  testing::ScratchDatabase db;
  Analytics analytics(db, "");
  EXPECT_EQ(analytics.service().department_sync(), nullptr);
  analytics.Upserted("engineering", "工程质量部", Shanghai(2026, 2, 1, 9));
  analytics.RoutedComplaint("TS-202603-000002", "engineering");
  EXPECT_TRUE(absl::StrContains(analytics.DepartmentChart(), ">工程质量部</text>"));
}

}  // namespace
}  // namespace tousu::analytics
