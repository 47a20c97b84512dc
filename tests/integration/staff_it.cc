// The staff directory (complaints.staff.v1.StaffService) against the real MariaDB: the service
// runs in-process on the shared runtime (migrations, executor, outbox, metrics endpoint) and is
// called over real loopback gRPC.

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/config/config.h"
#include "common/server/server.h"
#include "complaints/common/v1/events.pb.h"
#include "complaints/staff/v1/staff.grpc.pb.h"
#include "services/staff-assessment/access.h"
#include "services/staff-assessment/staff_service.h"
#include "tests/support/test_env.h"

namespace tousu {
namespace {

namespace v1 = complaints::staff::v1;
using google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;
using testing::ScratchDatabase;
using ::testing::StartsWith;

constexpr char kRequestId[] = "req-staff-it";

v1::Department Dept(const std::string& id, const std::string& name, v1::DepartmentKind kind,
                    const std::string& supervisor = "") {
  v1::Department d;
  d.set_id(id);
  d.set_name(name);
  d.set_kind(kind);
  d.set_supervisor_staff_id(supervisor);
  d.set_active(true);
  return d;
}

v1::Staff Person(const std::string& id, const std::string& name, v1::StaffRole role,
                 const std::string& department, bool active = true) {
  v1::Staff s;
  s.set_id(id);
  s.set_name(name);
  s.set_role(role);
  s.set_department_id(department);
  s.set_active(active);
  return s;
}

std::vector<std::string> Ids(const google::protobuf::RepeatedPtrField<v1::Staff>& staff) {
  std::vector<std::string> ids;
  for (const auto& s : staff) ids.push_back(s.id());
  return ids;
}

std::string Hex(const std::string& bytes) { return absl::BytesToHexString(bytes); }

class StaffDirectory : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new ScratchDatabase();
    const db::DbOptions db = scratch_->options();
    // A subscriber for both events, so the outbox holds rows to inspect. Its address has nothing
    // listening: the relay keeps the rows pending, which is all these tests need.
    const std::string subscriptions =
        ::testing::TempDir() + "/staff_subscriptions_" + scratch_->name() + ".txt";
    std::ofstream(subscriptions) << "DepartmentUpserted  staff-listener\n"
                                 << "StaffUpserted       staff-listener\n";
    const std::string p = "TOUSU_STAFF_ASSESSMENT_";
    const std::vector<std::string> env = {
        p + "GRPC_ADDR=127.0.0.1:0",
        p + "METRICS_ADDR=127.0.0.1:0",
        p + "DB_HOST=" + db.host,
        p + "DB_PORT=" + std::to_string(db.port),
        p + "DB_USER=" + db.user,
        p + "DB_PASSWORD=" + db.password,
        p + "DB_NAME=" + db.database,
        p + "DRAIN=0s",
        p + "SUBSCRIPTIONS_FILE=" + subscriptions,
        p + "PEERS=staff-listener=127.0.0.1:" + std::to_string(testing::FreePort()),
        p + "LOG_LEVEL=error",
    };
    config::Config cfg("STAFF_ASSESSMENT", env, {});
    auto rt = server::ServiceRuntime::Create({.name = "staff-assessment",
                                              .env_name = "STAFF_ASSESSMENT",
                                              .grpc_services = {staff::kGrpcServiceName},
                                              .migrations = &db::staff_assessment_migrations(),
                                              .access = staff::StaffAccessTable()},
                                             cfg);
    ASSERT_TRUE(rt.ok()) << rt.status();
    runtime_ = rt->release();
    // Gauges re-read often, so rows written behind the service's back (the seed) show up fast.
    service_ = new staff::StaffService(*runtime_, {.gauge_refresh = absl::Milliseconds(200)});
    const absl::Status started = runtime_->Start();
    ASSERT_TRUE(started.ok()) << started;
    runtime_->StartPeriodicTasks();
    ASSERT_TRUE(runtime_->WaitUntilServing(absl::Seconds(30)));
    stub_ = v1::StaffService::NewStub(
                grpc::CreateChannel(absl::StrCat("127.0.0.1:", runtime_->grpc_port()),
                                    grpc::InsecureChannelCredentials()))
                .release();
  }

  static void TearDownTestSuite() {
    delete stub_;
    if (runtime_ != nullptr) runtime_->Shutdown();
    delete service_;
    delete runtime_;
    delete scratch_;
  }

  void SetUp() override {
    ASSERT_NE(stub_, nullptr) << "the service did not start";
    scratch_->Execute("DROP TRIGGER IF EXISTS fail_some_events");
    scratch_->Execute("DELETE FROM staff");
    scratch_->Execute("DELETE FROM departments");
    scratch_->Execute("DELETE FROM outbox");
  }

  static std::unique_ptr<grpc::ClientContext> Ctx() {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    ctx->AddMetadata("x-request-id", kRequestId);
    return ctx;
  }

  grpc::Status UpsertDepartment(const v1::Department& d,
                                v1::UpsertDepartmentResponse* out = nullptr) {
    v1::UpsertDepartmentRequest req;
    *req.mutable_department() = d;
    v1::UpsertDepartmentResponse resp;
    return stub_->UpsertDepartment(Ctx().get(), req, out != nullptr ? out : &resp);
  }
  grpc::Status UpsertStaff(const v1::Staff& s, v1::UpsertStaffResponse* out = nullptr) {
    v1::UpsertStaffRequest req;
    *req.mutable_staff() = s;
    v1::UpsertStaffResponse resp;
    return stub_->UpsertStaff(Ctx().get(), req, out != nullptr ? out : &resp);
  }
  grpc::Status GetDepartment(const std::string& id, v1::GetDepartmentResponse* out) {
    v1::GetDepartmentRequest req;
    req.set_department_id(id);
    return stub_->GetDepartment(Ctx().get(), req, out);
  }
  grpc::Status GetStaff(const std::string& id, v1::GetStaffResponse* out) {
    v1::GetStaffRequest req;
    req.set_staff_id(id);
    return stub_->GetStaff(Ctx().get(), req, out);
  }
  grpc::Status ListStaff(const v1::ListStaffRequest& req, v1::ListStaffResponse* out) {
    return stub_->ListStaff(Ctx().get(), req, out);
  }
  grpc::Status ListDepartments(const v1::ListDepartmentsRequest& req,
                               v1::ListDepartmentsResponse* out) {
    return stub_->ListDepartments(Ctx().get(), req, out);
  }

  // Every page of a listing, in order; fails the test on an error.
  std::vector<std::string> AllStaffIds(v1::ListStaffRequest req, int page_size, int* pages) {
    std::vector<std::string> ids;
    req.mutable_page()->set_page_size(page_size);
    *pages = 0;
    for (;;) {
      v1::ListStaffResponse resp;
      grpc::Status s = ListStaff(req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      ++*pages;
      for (const auto& m : resp.staff()) ids.push_back(m.id());
      if (resp.page().next_page_token().empty()) break;
      req.mutable_page()->set_page_token(resp.page().next_page_token());
    }
    return ids;
  }

  static std::string Count(const std::string& table) {
    return scratch_->QueryScalar("SELECT COUNT(*) FROM " + table);
  }

  // The events in the outbox for `aggregate`, oldest first, parsed from the stored envelopes.
  static std::vector<complaints::common::v1::Event> Events(const std::string& aggregate) {
    std::vector<complaints::common::v1::Event> events;
    const int n = std::stoi(scratch_->QueryScalar(
        "SELECT COUNT(*) FROM outbox WHERE aggregate_id = '" + aggregate + "'"));
    for (int i = 0; i < n; ++i) {
      const std::string hex = scratch_->QueryScalar(
          absl::StrCat("SELECT HEX(envelope) FROM outbox WHERE aggregate_id = '", aggregate,
                       "' ORDER BY id LIMIT 1 OFFSET ", i));
      complaints::common::v1::Event e;
      EXPECT_TRUE(e.ParseFromString(absl::HexStringToBytes(hex)));
      events.push_back(e);
    }
    return events;
  }

  // Loads deploy/seed/staff-assessment.sql with the mariadb client, as tools/run does. No
  // default-character-set here on purpose: the file must declare its own encoding.
  static int LoadSeed() {
    const db::DbOptions o = scratch_->options();
    const std::string cnf = ::testing::TempDir() + "/staff_seed_" + scratch_->name() + ".cnf";
    std::ofstream(cnf) << "[client]\nprotocol=tcp\nhost=" << o.host << "\nport=" << o.port
                       << "\nuser=" << o.user << "\npassword=" << o.password << "\n";
    const std::string cmd =
        absl::StrCat("mariadb --defaults-file=", cnf, " ", o.database, " < ", TOUSU_STAFF_SEED);
    return std::system(cmd.c_str());
  }

  static std::string Metrics() { return testing::HttpGet(runtime_->metrics_port(), "/metrics"); }

  static inline ScratchDatabase* scratch_ = nullptr;
  static inline server::ServiceRuntime* runtime_ = nullptr;
  static inline staff::StaffService* service_ = nullptr;
  static inline v1::StaffService::Stub* stub_ = nullptr;
};

TEST_F(StaffDirectory, ADepartmentAndItsStaffReadBackByteForByteInChinese) {
  // Includes a character outside the BMP (4 bytes in UTF-8), which utf8 (3-byte) tables would lose.
  const std::string dept_name = "工程质量部（𠮷）";
  v1::UpsertDepartmentResponse dept;
  ASSERT_TRUE(UpsertDepartment(
                  Dept("engineering", dept_name, v1::DEPARTMENT_KIND_ENGINEERING_QUALITY), &dept)
                  .ok());
  EXPECT_EQ(dept.outcome(), v1::UPSERT_OUTCOME_CREATED);
  EXPECT_EQ(dept.department().name(), dept_name);
  EXPECT_GT(dept.department().created_at().seconds(), 0);
  EXPECT_TRUE(
      MessageDifferencer::Equals(dept.department().created_at(), dept.department().updated_at()));

  v1::GetDepartmentResponse got_dept;
  ASSERT_TRUE(GetDepartment("engineering", &got_dept).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(got_dept.department(), dept.department()))
      << got_dept.DebugString() << dept.DebugString();

  v1::Staff ouyang = Person("S0001", "欧阳𠮷娜", v1::STAFF_ROLE_HANDLER, "engineering");
  ouyang.set_phone("13800000001");
  ouyang.set_email("ouyang.jina@staff.example.com");
  v1::UpsertStaffResponse created;
  ASSERT_TRUE(UpsertStaff(ouyang, &created).ok());
  EXPECT_EQ(created.outcome(), v1::UPSERT_OUTCOME_CREATED);
  EXPECT_EQ(created.staff().name(), "欧阳𠮷娜");
  // Stored as the same bytes, not re-encoded on the way in.
  EXPECT_EQ(scratch_->QueryScalar("SELECT HEX(name) FROM staff WHERE id = 'S0001'"),
            absl::AsciiStrToUpper(Hex("欧阳𠮷娜")));

  v1::GetStaffResponse got;
  ASSERT_TRUE(GetStaff("S0001", &got).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(got.staff(), created.staff()))
      << got.DebugString() << created.DebugString();
  v1::ListStaffResponse listed;
  ASSERT_TRUE(ListStaff(v1::ListStaffRequest(), &listed).ok());
  ASSERT_EQ(listed.staff_size(), 1);
  EXPECT_TRUE(MessageDifferencer::Equals(listed.staff(0), created.staff()));
  v1::ListDepartmentsResponse departments;
  ASSERT_TRUE(ListDepartments(v1::ListDepartmentsRequest(), &departments).ok());
  ASSERT_EQ(departments.departments_size(), 1);
  EXPECT_EQ(departments.departments(0).name(), dept_name);

  // The same upsert again (a retry) changes nothing, timestamps included.
  v1::UpsertStaffResponse again;
  ASSERT_TRUE(UpsertStaff(ouyang, &again).ok());
  EXPECT_EQ(again.outcome(), v1::UPSERT_OUTCOME_UNCHANGED);
  EXPECT_TRUE(MessageDifferencer::Equals(again.staff(), created.staff()));

  // A change keeps created_at and moves updated_at.
  absl::SleepFor(absl::Milliseconds(5));
  ouyang.clear_email();
  v1::UpsertStaffResponse changed;
  ASSERT_TRUE(UpsertStaff(ouyang, &changed).ok());
  EXPECT_EQ(changed.outcome(), v1::UPSERT_OUTCOME_UPDATED);
  EXPECT_EQ(changed.staff().email(), "");
  EXPECT_TRUE(
      MessageDifferencer::Equals(changed.staff().created_at(), created.staff().created_at()));
  EXPECT_GT(staff::FromProto(changed.staff().updated_at()),
            staff::FromProto(created.staff().updated_at()));
  ASSERT_TRUE(GetStaff("S0001", &got).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(got.staff(), changed.staff()));
}

TEST_F(StaffDirectory, StaffAreListedByDepartmentRoleAndActiveFlagInIdOrder) {
  ASSERT_TRUE(
      UpsertDepartment(Dept("engineering", "工程质量部", v1::DEPARTMENT_KIND_ENGINEERING_QUALITY))
          .ok());
  ASSERT_TRUE(UpsertDepartment(Dept("sales", "销售部", v1::DEPARTMENT_KIND_SALES)).ok());
  // Created out of order: the listing orders by id regardless.
  const std::vector<v1::Staff> people = {
      Person("S0203", "罗娜", v1::STAFF_ROLE_RECEPTION, "sales", false),
      Person("S0104", "李建国", v1::STAFF_ROLE_SUPERVISOR, "engineering"),
      Person("S0101", "马丽", v1::STAFF_ROLE_HANDLER, "engineering"),
      Person("S0201", "朱晓东", v1::STAFF_ROLE_HANDLER, "sales"),
      Person("S0103", "张伟", v1::STAFF_ROLE_ENGINEER, "engineering"),
      Person("S0102", "邓磊", v1::STAFF_ROLE_HANDLER, "engineering", false),
      Person("S0202", "郭芳", v1::STAFF_ROLE_RECEPTION, "sales"),
  };
  for (const auto& p : people) ASSERT_TRUE(UpsertStaff(p).ok()) << p.id();

  auto list = [&](const std::string& department, v1::StaffRole role, std::optional<bool> active) {
    v1::ListStaffRequest req;
    req.set_department_id(department);
    req.set_role(role);
    if (active.has_value()) req.set_active(*active);
    v1::ListStaffResponse resp;
    grpc::Status s = ListStaff(req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(resp.page().next_page_token().empty());
    return Ids(resp.staff());
  };
  using V = std::vector<std::string>;
  const auto any = v1::STAFF_ROLE_UNSPECIFIED;
  EXPECT_EQ(list("", any, std::nullopt),
            (V{"S0101", "S0102", "S0103", "S0104", "S0201", "S0202", "S0203"}));
  EXPECT_EQ(list("engineering", any, std::nullopt), (V{"S0101", "S0102", "S0103", "S0104"}));
  EXPECT_EQ(list("", v1::STAFF_ROLE_HANDLER, std::nullopt), (V{"S0101", "S0102", "S0201"}));
  EXPECT_EQ(list("", v1::STAFF_ROLE_HANDLER, true), (V{"S0101", "S0201"}));
  EXPECT_EQ(list("engineering", v1::STAFF_ROLE_HANDLER, true), (V{"S0101"}));
  EXPECT_EQ(list("sales", any, false), (V{"S0203"}));
  EXPECT_EQ(list("", any, false), (V{"S0102", "S0203"}));
  EXPECT_EQ(list("engineering", v1::STAFF_ROLE_RECEPTION, std::nullopt), V{});
  EXPECT_EQ(list("nowhere", any, std::nullopt), V{});  // an unknown department: nobody

  v1::ListDepartmentsRequest by_kind;
  by_kind.set_kind(v1::DEPARTMENT_KIND_SALES);
  v1::ListDepartmentsResponse departments;
  ASSERT_TRUE(ListDepartments(by_kind, &departments).ok());
  ASSERT_EQ(departments.departments_size(), 1);
  EXPECT_EQ(departments.departments(0).id(), "sales");
  v1::ListDepartmentsRequest inactive;
  inactive.set_active(false);
  ASSERT_TRUE(ListDepartments(inactive, &departments).ok());
  EXPECT_EQ(departments.departments_size(), 0);
  v1::Department closed = Dept("sales", "销售部", v1::DEPARTMENT_KIND_SALES);
  closed.set_active(false);
  ASSERT_TRUE(UpsertDepartment(closed).ok());
  ASSERT_TRUE(ListDepartments(inactive, &departments).ok());
  ASSERT_EQ(departments.departments_size(), 1);
  EXPECT_EQ(departments.departments(0).id(), "sales");
}

TEST_F(StaffDirectory, PagesAreStableWithNoDuplicatesAndNoGaps) {
  ASSERT_TRUE(UpsertDepartment(Dept("property-management", "物业管理部",
                                    v1::DEPARTMENT_KIND_PROPERTY_MANAGEMENT))
                  .ok());
  std::vector<std::string> expected;
  for (int i = 23; i >= 1; --i) {
    const std::string id = absl::StrCat("S03", i < 10 ? "0" : "", i);
    ASSERT_TRUE(
        UpsertStaff(Person(id, "唐磊", v1::STAFF_ROLE_HANDLER, "property-management")).ok());
    expected.push_back(id);
  }
  std::sort(expected.begin(), expected.end());

  int pages = 0;
  EXPECT_EQ(AllStaffIds(v1::ListStaffRequest(), 5, &pages), expected);
  EXPECT_EQ(pages, 5);                                                  // 5 + 5 + 5 + 5 + 3
  EXPECT_EQ(AllStaffIds(v1::ListStaffRequest(), 0, &pages), expected);  // 0 means 50
  EXPECT_EQ(pages, 1);
  EXPECT_EQ(AllStaffIds(v1::ListStaffRequest(), 23, &pages), expected);
  EXPECT_EQ(pages, 1);  // exactly full: no empty extra page

  // Writes between pages: an edit to a record already seen, a new record before the cursor and
  // one after it. Every record present throughout still comes exactly once.
  v1::ListStaffRequest req;
  req.mutable_page()->set_page_size(10);
  v1::ListStaffResponse first;
  ASSERT_TRUE(ListStaff(req, &first).ok());
  std::vector<std::string> seen = Ids(first.staff());
  ASSERT_EQ(seen.back(), "S0310");
  ASSERT_TRUE(
      UpsertStaff(Person("S0305", "唐磊（组长）", v1::STAFF_ROLE_HANDLER, "property-management"))
          .ok());
  ASSERT_TRUE(
      UpsertStaff(Person("S0300", "董小平", v1::STAFF_ROLE_HANDLER, "property-management")).ok());
  ASSERT_TRUE(
      UpsertStaff(Person("S0399", "曹敏", v1::STAFF_ROLE_RECEPTION, "property-management")).ok());
  req.mutable_page()->set_page_token(first.page().next_page_token());
  for (;;) {
    v1::ListStaffResponse page;
    ASSERT_TRUE(ListStaff(req, &page).ok());
    for (const auto& m : page.staff()) seen.push_back(m.id());
    if (page.page().next_page_token().empty()) break;
    req.mutable_page()->set_page_token(page.page().next_page_token());
  }
  std::vector<std::string> want = expected;
  want.push_back("S0399");
  EXPECT_EQ(seen, want);

  // A token only works with the filters it was issued for; junk and oversized pages are refused.
  v1::ListStaffRequest other;
  other.set_role(v1::STAFF_ROLE_HANDLER);
  other.mutable_page()->set_page_token(first.page().next_page_token());
  v1::ListStaffResponse resp;
  grpc::Status s = ListStaff(other, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), StartsWith("page.page_token: "));
  other.mutable_page()->set_page_token("bm9wZQ");
  EXPECT_EQ(ListStaff(other, &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  other.mutable_page()->clear_page_token();
  other.mutable_page()->set_page_size(201);
  s = ListStaff(other, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), StartsWith("page.page_size: "));

  // Departments page the same way.
  ASSERT_TRUE(UpsertDepartment(Dept("sales", "销售部", v1::DEPARTMENT_KIND_SALES)).ok());
  ASSERT_TRUE(UpsertDepartment(Dept("handover", "交付部", v1::DEPARTMENT_KIND_HANDOVER)).ok());
  v1::ListDepartmentsRequest dreq;
  dreq.mutable_page()->set_page_size(2);
  v1::ListDepartmentsResponse d1, d2;
  ASSERT_TRUE(ListDepartments(dreq, &d1).ok());
  ASSERT_EQ(d1.departments_size(), 2);
  EXPECT_EQ(d1.departments(0).id(), "handover");
  EXPECT_EQ(d1.departments(1).id(), "property-management");
  ASSERT_FALSE(d1.page().next_page_token().empty());
  dreq.mutable_page()->set_page_token(d1.page().next_page_token());
  ASSERT_TRUE(ListDepartments(dreq, &d2).ok());
  ASSERT_EQ(d2.departments_size(), 1);
  EXPECT_EQ(d2.departments(0).id(), "sales");
  EXPECT_TRUE(d2.page().next_page_token().empty());
}

TEST_F(StaffDirectory, EveryInvalidFieldIsRejectedNamingItAndNothingIsWritten) {
  ASSERT_TRUE(
      UpsertDepartment(Dept("engineering", "工程质量部", v1::DEPARTMENT_KIND_ENGINEERING_QUALITY))
          .ok());
  const std::string staff_before = Count("staff"), departments_before = Count("departments"),
                    events_before = Count("outbox");

  struct StaffCase {
    std::function<void(v1::Staff&)> spoil;
    const char* field;
  };
  const std::vector<StaffCase> staff_cases = {
      {[](v1::Staff& s) { s.clear_id(); }, "staff.id"},
      {[](v1::Staff& s) { s.set_id("s0001"); }, "staff.id"},
      {[](v1::Staff& s) { s.set_id(std::string(33, 'S')); }, "staff.id"},
      {[](v1::Staff& s) { s.clear_name(); }, "staff.name"},
      // Truncated UTF-8: refused while the request is parsed, naming the request.
      {[](v1::Staff& s) { s.set_name("\xE6\xAC"); }, "request"},
      {[](v1::Staff& s) { s.set_name("马\r丽"); }, "staff.name"},
      {[](v1::Staff& s) {
         std::string name;
         for (int i = 0; i < 51; ++i) name += "张";
         s.set_name(name);
       },
       "staff.name"},
      {[](v1::Staff& s) { s.set_phone("1380000"); }, "staff.phone"},
      {[](v1::Staff& s) { s.set_email("not-an-address"); }, "staff.email"},
      {[](v1::Staff& s) { s.set_role(v1::STAFF_ROLE_UNSPECIFIED); }, "staff.role"},
      {[](v1::Staff& s) { s.set_role(static_cast<v1::StaffRole>(42)); }, "staff.role"},
      {[](v1::Staff& s) { s.clear_department_id(); }, "staff.department_id"},
      {[](v1::Staff& s) { s.set_department_id("工程"); }, "staff.department_id"},
  };
  for (const auto& c : staff_cases) {
    v1::Staff s = Person("S0001", "马丽", v1::STAFF_ROLE_HANDLER, "engineering");
    c.spoil(s);
    grpc::Status st = UpsertStaff(s);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_THAT(st.error_message(), StartsWith(std::string(c.field) + ": "));
  }
  {
    v1::Staff s = Person("S0001", std::string(), v1::STAFF_ROLE_HANDLER, "engineering");
    for (int i = 0; i < 51; ++i) s.mutable_name()->append("张");
    EXPECT_EQ(UpsertStaff(s).error_message(), "staff.name: must be at most 50 characters");
  }

  struct DeptCase {
    std::function<void(v1::Department&)> spoil;
    const char* field;
  };
  const std::vector<DeptCase> dept_cases = {
      {[](v1::Department& d) { d.set_id("Sales"); }, "department.id"},
      {[](v1::Department& d) { d.clear_name(); }, "department.name"},
      {[](v1::Department& d) { d.set_name("\xFF"); }, "request"},  // not UTF-8: see above
      {[](v1::Department& d) { d.set_kind(v1::DEPARTMENT_KIND_UNSPECIFIED); }, "department.kind"},
      {[](v1::Department& d) { d.set_kind(static_cast<v1::DepartmentKind>(99)); },
       "department.kind"},
      {[](v1::Department& d) { d.set_supervisor_staff_id("boss one"); },
       "department.supervisor_staff_id"},
  };
  for (const auto& c : dept_cases) {
    v1::Department d = Dept("sales", "销售部", v1::DEPARTMENT_KIND_SALES);
    c.spoil(d);
    grpc::Status st = UpsertDepartment(d);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_THAT(st.error_message(), StartsWith(std::string(c.field) + ": "));
  }
  EXPECT_EQ(Count("staff"), staff_before);
  EXPECT_EQ(Count("departments"), departments_before);
  EXPECT_EQ(Count("outbox"), events_before);

  // Lookups and filters name their fields too.
  v1::GetStaffResponse gs;
  grpc::Status st = GetStaff("s0001", &gs);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), StartsWith("staff_id: "));
  EXPECT_EQ(GetStaff("", &gs).error_message(), "staff_id: is required");
  v1::GetDepartmentResponse gd;
  EXPECT_THAT(GetDepartment("No Such", &gd).error_message(), StartsWith("department_id: "));
  v1::ListStaffRequest bad_role;
  bad_role.set_role(static_cast<v1::StaffRole>(42));
  v1::ListStaffResponse ls;
  EXPECT_THAT(ListStaff(bad_role, &ls).error_message(), StartsWith("role: "));
  v1::ListStaffRequest bad_department;
  bad_department.set_department_id("-x");
  EXPECT_THAT(ListStaff(bad_department, &ls).error_message(), StartsWith("department_id: "));
  v1::ListDepartmentsRequest bad_kind;
  bad_kind.set_kind(static_cast<v1::DepartmentKind>(9));
  v1::ListDepartmentsResponse ld;
  EXPECT_THAT(ListDepartments(bad_kind, &ld).error_message(), StartsWith("kind: "));
}

TEST_F(StaffDirectory, UnknownIdsAreNotFound) {
  v1::GetStaffResponse gs;
  grpc::Status s = GetStaff("S9999", &gs);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("S9999"));
  v1::GetDepartmentResponse gd;
  s = GetDepartment("nowhere", &gd);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("nowhere"));
}

TEST_F(StaffDirectory, StaffOfAnUnknownDepartmentFailThePreconditionAndNothingIsWritten) {
  v1::UpsertStaffResponse resp;
  grpc::Status s =
      UpsertStaff(Person("S0001", "马丽", v1::STAFF_ROLE_HANDLER, "engineering"), &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(s.error_message(), "staff.department_id: no department \"engineering\"");
  EXPECT_EQ(Count("staff"), "0");
  EXPECT_EQ(Count("outbox"), "0");

  // Moving an existing member to an unknown department leaves the stored record as it was.
  ASSERT_TRUE(
      UpsertDepartment(Dept("engineering", "工程质量部", v1::DEPARTMENT_KIND_ENGINEERING_QUALITY))
          .ok());
  ASSERT_TRUE(
      UpsertStaff(Person("S0001", "马丽", v1::STAFF_ROLE_HANDLER, "engineering"), &resp).ok());
  const std::string events = Count("outbox");
  s = UpsertStaff(Person("S0001", "马丽", v1::STAFF_ROLE_HANDLER, "sales"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  v1::GetStaffResponse got;
  ASSERT_TRUE(GetStaff("S0001", &got).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(got.staff(), resp.staff()));
  EXPECT_EQ(Count("outbox"), events);
}

TEST_F(StaffDirectory, ADepartmentSupervisorIsAnActiveSupervisorUntilReplaced) {
  const auto kind = v1::DEPARTMENT_KIND_ENGINEERING_QUALITY;
  // Named before they exist: refused, and the department is not created either.
  grpc::Status s = UpsertDepartment(Dept("engineering", "工程质量部", kind, "S0002"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), StartsWith("department.supervisor_staff_id: "));
  EXPECT_EQ(Count("departments"), "0");

  // The bootstrap order: department, then its supervisor, then the department naming them.
  ASSERT_TRUE(UpsertDepartment(Dept("engineering", "工程质量部", kind)).ok());
  ASSERT_TRUE(UpsertStaff(Person("S0021", "马丽", v1::STAFF_ROLE_HANDLER, "engineering")).ok());
  s = UpsertDepartment(Dept("engineering", "工程质量部", kind, "S0021"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);  // a handler, not a supervisor
  EXPECT_THAT(s.error_message(), HasSubstr("supervisor role"));
  const v1::Staff boss = Person("S0002", "李建国", v1::STAFF_ROLE_SUPERVISOR, "engineering");
  ASSERT_TRUE(UpsertStaff(boss).ok());
  v1::UpsertDepartmentResponse named;
  ASSERT_TRUE(UpsertDepartment(Dept("engineering", "工程质量部", kind, "S0002"), &named).ok());
  EXPECT_EQ(named.outcome(), v1::UPSERT_OUTCOME_UPDATED);
  EXPECT_EQ(named.department().supervisor_staff_id(), "S0002");

  // While named, the supervisor can neither leave nor change role.
  v1::Staff leaving = boss;
  leaving.set_active(false);
  s = UpsertStaff(leaving);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), StartsWith("staff.active: "));
  v1::Staff demoted = boss;
  demoted.set_role(v1::STAFF_ROLE_ENGINEER);
  s = UpsertStaff(demoted);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), StartsWith("staff.role: "));
  v1::GetStaffResponse got;
  ASSERT_TRUE(GetStaff("S0002", &got).ok());
  EXPECT_TRUE(got.staff().active());
  EXPECT_EQ(got.staff().role(), v1::STAFF_ROLE_SUPERVISOR);
  // Other edits are fine, and so is leaving once someone else is named.
  v1::Staff renumbered = boss;
  renumbered.set_phone("13800000002");
  EXPECT_TRUE(UpsertStaff(renumbered).ok());
  ASSERT_TRUE(
      UpsertStaff(Person("S0003", "高明远", v1::STAFF_ROLE_SUPERVISOR, "engineering")).ok());
  ASSERT_TRUE(UpsertDepartment(Dept("engineering", "工程质量部", kind, "S0003")).ok());
  v1::UpsertStaffResponse left;
  ASSERT_TRUE(UpsertStaff(leaving, &left).ok());
  EXPECT_FALSE(left.staff().active());
  // And an inactive supervisor cannot be named.
  s = UpsertDepartment(Dept("engineering", "工程质量部", kind, "S0002"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("not active"));
}

TEST_F(StaffDirectory, AnUpsertAndItsEventCommitTogether) {
  v1::UpsertDepartmentResponse dept;
  ASSERT_TRUE(UpsertDepartment(Dept("sales", "销售部", v1::DEPARTMENT_KIND_SALES), &dept).ok());
  auto events = Events("sales");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event_type(), "DepartmentUpserted");
  EXPECT_EQ(events[0].producer(), "staff-assessment");
  EXPECT_EQ(events[0].request_id(), kRequestId);
  v1::Department dept_payload;
  ASSERT_TRUE(events[0].payload().UnpackTo(&dept_payload));
  EXPECT_TRUE(MessageDifferencer::Equals(dept_payload, dept.department()));

  v1::Staff zhu = Person("S0023", "朱晓东", v1::STAFF_ROLE_HANDLER, "sales");
  v1::UpsertStaffResponse created;
  ASSERT_TRUE(UpsertStaff(zhu, &created).ok());
  ASSERT_TRUE(UpsertStaff(zhu).ok());  // a retry: nothing changed, so no second event
  zhu.set_phone("13800000023");
  v1::UpsertStaffResponse updated;
  ASSERT_TRUE(UpsertStaff(zhu, &updated).ok());
  events = Events("S0023");
  ASSERT_EQ(events.size(), 2u);
  v1::Staff first, second;
  ASSERT_TRUE(events[0].payload().UnpackTo(&first));
  ASSERT_TRUE(events[1].payload().UnpackTo(&second));
  EXPECT_EQ(events[1].event_type(), "StaffUpserted");
  EXPECT_TRUE(MessageDifferencer::Equals(first, created.staff()));
  EXPECT_TRUE(MessageDifferencer::Equals(second, updated.staff()));

  // Refused upserts write no event.
  const std::string before = Count("outbox");
  EXPECT_FALSE(UpsertStaff(Person("S0024", "", v1::STAFF_ROLE_HANDLER, "sales")).ok());
  EXPECT_FALSE(UpsertStaff(Person("S0024", "郭芳", v1::STAFF_ROLE_HANDLER, "nowhere")).ok());
  EXPECT_EQ(Count("outbox"), before);

  // And when the event cannot be written, the change is not written either: a trigger makes the
  // outbox refuse these two staff members' events.
  ASSERT_TRUE(
      UpsertStaff(Person("S0667", "罗娜", v1::STAFF_ROLE_RECEPTION, "sales"), &created).ok());
  scratch_->Execute(
      "CREATE TRIGGER fail_some_events BEFORE INSERT ON outbox FOR EACH ROW BEGIN "
      "IF NEW.aggregate_id IN ('S0666', 'S0667') THEN "
      "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected failure'; END IF; END");
  grpc::Status s = UpsertStaff(Person("S0666", "郭芳", v1::STAFF_ROLE_RECEPTION, "sales"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(s.error_message(), "internal error");  // no SQL or server text leaks out
  v1::GetStaffResponse got;
  EXPECT_EQ(GetStaff("S0666", &got).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::Staff moved = Person("S0667", "罗娜", v1::STAFF_ROLE_RECEPTION, "sales", false);
  EXPECT_EQ(UpsertStaff(moved).error_code(), grpc::StatusCode::INTERNAL);
  ASSERT_TRUE(GetStaff("S0667", &got).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(got.staff(), created.staff()));
}

TEST_F(StaffDirectory, ConcurrentRetriesOfOneUpsertCreateOneRecordAndOneEvent) {
  ASSERT_TRUE(UpsertDepartment(Dept("handover", "交付部", v1::DEPARTMENT_KIND_HANDOVER)).ok());
  // A client retrying on a flaky network: the same create arrives many times at once. Never
  // ALREADY_EXISTS, one record, one event.
  const v1::Staff liang = Person("S0026", "梁宇", v1::STAFF_ROLE_HANDLER, "handover");
  std::vector<std::thread> callers;
  std::mutex mu;
  std::map<int, int> outcomes;
  std::vector<std::string> errors;
  for (int i = 0; i < 8; ++i) {
    callers.emplace_back([&] {
      v1::UpsertStaffResponse resp;
      grpc::Status s = UpsertStaff(liang, &resp);
      std::lock_guard<std::mutex> lock(mu);
      if (s.ok()) {
        ++outcomes[resp.outcome()];
      } else {
        errors.push_back(s.error_message());
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_EQ(outcomes[v1::UPSERT_OUTCOME_CREATED], 1);
  EXPECT_EQ(outcomes[v1::UPSERT_OUTCOME_UNCHANGED], 7);
  EXPECT_EQ(Count("staff"), "1");
  EXPECT_EQ(Events("S0026").size(), 1u);
}

TEST_F(StaffDirectory, TheDirectoryGaugesCountStaffByDepartmentRoleAndActiveFlag) {
  const std::vector<std::string> staff_created = {"entity=\"staff\"", "outcome=\"created\""};
  const double created_before = testing::MetricValue(
      Metrics(), "tousu_staff_assessment_directory_upserts_total", staff_created);
  ASSERT_GE(created_before, 0);

  ASSERT_TRUE(
      UpsertDepartment(Dept("engineering", "工程质量部", v1::DEPARTMENT_KIND_ENGINEERING_QUALITY))
          .ok());
  ASSERT_TRUE(UpsertStaff(Person("S0021", "马丽", v1::STAFF_ROLE_HANDLER, "engineering")).ok());
  ASSERT_TRUE(UpsertStaff(Person("S0022", "邓磊", v1::STAFF_ROLE_HANDLER, "engineering")).ok());
  ASSERT_TRUE(
      UpsertStaff(Person("S0020", "林涛", v1::STAFF_ROLE_HANDLER, "engineering", false)).ok());
  ASSERT_TRUE(UpsertStaff(Person("S0018", "张伟", v1::STAFF_ROLE_ENGINEER, "engineering")).ok());
  ASSERT_TRUE(UpsertStaff(Person("S0018", "张伟", v1::STAFF_ROLE_ENGINEER, "engineering")).ok());

  const std::string body = Metrics();
  auto staff = [&](const char* role, const char* active) {
    return testing::MetricValue(body, "tousu_staff_assessment_directory_staff",
                                {"department=\"engineering\"", absl::StrCat("role=\"", role, "\""),
                                 absl::StrCat("active=\"", active, "\"")});
  };
  EXPECT_EQ(staff("HANDLER", "true"), 2) << body;
  EXPECT_EQ(staff("HANDLER", "false"), 1);
  EXPECT_EQ(staff("ENGINEER", "true"), 1);
  EXPECT_EQ(staff("ANALYST", "true"), 0);  // present at zero: "nobody" is a value, not a gap
  EXPECT_EQ(testing::MetricValue(body, "tousu_staff_assessment_directory_departments",
                                 {"active=\"true\""}),
            1);
  EXPECT_EQ(testing::MetricValue(
                body, "tousu_staff_assessment_directory_departments_without_supervisor", {}),
            1);
  EXPECT_EQ(
      testing::MetricValue(body, "tousu_staff_assessment_directory_upserts_total", staff_created),
      created_before + 4);
  EXPECT_GE(testing::MetricValue(body, "tousu_staff_assessment_directory_upserts_total",
                                 {"entity=\"staff\"", "outcome=\"unchanged\""}),
            1);
  // Prometheus' own checker accepts the exposition.
  const std::string file = ::testing::TempDir() + "/staff_metrics_" + scratch_->name() + ".txt";
  std::ofstream(file) << body;
  EXPECT_EQ(std::system(("promtool check metrics < " + file + " > /dev/null").c_str()), 0);
}

TEST_F(StaffDirectory, TheSeedLoadsTwiceIntoTheMigratedSchemaAndGivesFiveDepartments) {
  ASSERT_EQ(LoadSeed(), 0);
  ASSERT_EQ(LoadSeed(), 0);
  EXPECT_EQ(Count("departments"), "5");
  EXPECT_EQ(Count("staff"), "32");

  // Everything seeded reads back through the service: every role, every department staffed, a
  // couple inactive, each department's supervisor an active supervisor.
  int pages = 0;
  const std::vector<std::string> ids = AllStaffIds(v1::ListStaffRequest(), 10, &pages);
  EXPECT_EQ(ids.size(), 32u);
  EXPECT_EQ(pages, 4);
  std::set<int> roles;
  std::map<std::string, int> per_department;
  int inactive = 0;
  for (const auto& id : ids) {
    v1::GetStaffResponse got;
    ASSERT_TRUE(GetStaff(id, &got).ok()) << id;
    roles.insert(got.staff().role());
    ++per_department[got.staff().department_id()];
    if (!got.staff().active()) ++inactive;
    EXPECT_FALSE(got.staff().name().empty());
    EXPECT_EQ(got.staff().phone().substr(0, 9), "138000000") << id;
  }
  EXPECT_EQ(roles.size(), 9u);
  EXPECT_EQ(per_department.size(), 5u);
  EXPECT_GE(inactive, 2);

  v1::ListDepartmentsResponse departments;
  ASSERT_TRUE(ListDepartments(v1::ListDepartmentsRequest(), &departments).ok());
  ASSERT_EQ(departments.departments_size(), 5);
  std::set<int> kinds;
  for (const auto& d : departments.departments()) {
    kinds.insert(d.kind());
    v1::GetStaffResponse boss;
    ASSERT_TRUE(GetStaff(d.supervisor_staff_id(), &boss).ok()) << d.id();
    EXPECT_EQ(boss.staff().role(), v1::STAFF_ROLE_SUPERVISOR) << d.id();
    EXPECT_TRUE(boss.staff().active()) << d.id();
  }
  EXPECT_EQ(kinds.size(), 5u);
  v1::GetDepartmentResponse engineering;
  ASSERT_TRUE(GetDepartment("engineering", &engineering).ok());
  EXPECT_EQ(engineering.department().name(), "工程质量部");  // the client's encoding did not matter

  // The gauges pick up rows written behind the service's back on their next refresh.
  const std::vector<std::string> hotline = {"department=\"customer-service\"",
                                            "role=\"HOTLINE_AGENT\"", "active=\"true\""};
  double agents = -1;
  for (int i = 0; i < 50 && agents != 3; ++i) {
    agents = testing::MetricValue(Metrics(), "tousu_staff_assessment_directory_staff", hotline);
    if (agents != 3) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(agents, 3);

  // A reload never undoes an edit made through the service (which its subscribers have seen).
  v1::GetStaffResponse liu;
  ASSERT_TRUE(GetStaff("S0007", &liu).ok());
  v1::Staff edited = liu.staff();
  edited.set_active(false);
  v1::UpsertStaffResponse resp;
  ASSERT_TRUE(UpsertStaff(edited, &resp).ok());
  EXPECT_EQ(resp.outcome(), v1::UPSERT_OUTCOME_UPDATED);
  ASSERT_EQ(LoadSeed(), 0);
  ASSERT_TRUE(GetStaff("S0007", &liu).ok());
  EXPECT_FALSE(liu.staff().active());
}

}  // namespace
}  // namespace tousu
