// The staff directory's rules (services/staff-assessment/domain), without a database or server.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "services/staff-assessment/domain/directory.h"

namespace tousu::staff {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

v1::Department ValidDepartment() {
  v1::Department d;
  d.set_id("engineering");
  d.set_name("工程质量部");
  d.set_kind(v1::DEPARTMENT_KIND_ENGINEERING_QUALITY);
  d.set_supervisor_staff_id("S0002");
  d.set_active(true);
  return d;
}

v1::Staff ValidStaff() {
  v1::Staff s;
  s.set_id("S0021");
  s.set_name("马丽");
  s.set_phone("13800000021");
  s.set_email("ma.li@staff.example.com");
  s.set_role(v1::STAFF_ROLE_HANDLER);
  s.set_department_id("engineering");
  s.set_active(true);
  return s;
}

std::string Repeat(const std::string& unit, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += unit;
  return out;
}

// One field made invalid, and the field the message must name.
struct StaffCase {
  const char* what;
  std::function<void(v1::Staff&)> spoil;
  const char* field;
};

TEST(StaffValidation, AValidStaffMemberPasses) {
  EXPECT_TRUE(ValidateStaff(ValidStaff()).ok());
  v1::Staff minimal = ValidStaff();
  minimal.clear_phone();  // phone and email are optional
  minimal.clear_email();
  minimal.set_active(false);
  EXPECT_TRUE(ValidateStaff(minimal).ok());
}

TEST(StaffValidation, EachInvalidFieldIsRejectedNamingTheField) {
  const std::vector<StaffCase> cases = {
      {"missing id", [](v1::Staff& s) { s.clear_id(); }, "staff.id"},
      {"lower-case id", [](v1::Staff& s) { s.set_id("s0021"); }, "staff.id"},
      {"id ending in '-'", [](v1::Staff& s) { s.set_id("S0021-"); }, "staff.id"},
      {"id starting with '-'", [](v1::Staff& s) { s.set_id("-S0021"); }, "staff.id"},
      {"id with a space", [](v1::Staff& s) { s.set_id("S 0021"); }, "staff.id"},
      {"id of 33 characters", [](v1::Staff& s) { s.set_id(Repeat("S", 33)); }, "staff.id"},
      {"missing name", [](v1::Staff& s) { s.clear_name(); }, "staff.name"},
      {"blank name", [](v1::Staff& s) { s.set_name("\u3000 "); }, "staff.name"},
      {"name of 51 characters", [](v1::Staff& s) { s.set_name(Repeat("张", 51)); }, "staff.name"},
      {"name with a line break", [](v1::Staff& s) { s.set_name("马\n丽"); }, "staff.name"},
      {"name not UTF-8", [](v1::Staff& s) { s.set_name("\xE9\xA9"); }, "staff.name"},
      {"malformed phone", [](v1::Staff& s) { s.set_phone("12345"); }, "staff.phone"},
      {"malformed email", [](v1::Staff& s) { s.set_email("ma.li@"); }, "staff.email"},
      {"missing role", [](v1::Staff& s) { s.set_role(v1::STAFF_ROLE_UNSPECIFIED); }, "staff.role"},
      {"unknown role", [](v1::Staff& s) { s.set_role(static_cast<v1::StaffRole>(42)); },
       "staff.role"},
      {"missing department", [](v1::Staff& s) { s.clear_department_id(); }, "staff.department_id"},
      {"malformed department", [](v1::Staff& s) { s.set_department_id("Engineering"); },
       "staff.department_id"},
  };
  for (const auto& c : cases) {
    v1::Staff s = ValidStaff();
    c.spoil(s);
    absl::Status status = ValidateStaff(s);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.what;
    EXPECT_THAT(std::string(status.message()), StartsWith(std::string(c.field) + ": ")) << c.what;
  }
}

TEST(StaffValidation, ANameOfFiftyChineseCharactersIsAllowedAndFiftyOneIsNot) {
  v1::Staff s = ValidStaff();
  s.set_name(Repeat("欧", 50));  // 150 bytes: the limit counts characters
  EXPECT_TRUE(ValidateStaff(s).ok());
  s.set_name(Repeat("欧", 51));
  EXPECT_EQ(std::string(ValidateStaff(s).message()), "staff.name: must be at most 50 characters");
  s.set_name("王𠮷");  // a character outside the BMP (4 bytes) counts once
  EXPECT_TRUE(ValidateStaff(s).ok());
}

TEST(StaffValidation, HrNumbersAndLandlinesAreAcceptedForms) {
  v1::Staff s = ValidStaff();
  s.set_id("100234");
  s.set_phone("021-60000001");
  EXPECT_TRUE(ValidateStaff(s).ok());
  s.set_id("HR-2024-007");
  s.set_phone("+86 13800000021");
  EXPECT_TRUE(ValidateStaff(s).ok());
}

TEST(DepartmentValidation, AValidDepartmentPassesWithOrWithoutASupervisor) {
  EXPECT_TRUE(ValidateDepartment(ValidDepartment()).ok());
  v1::Department d = ValidDepartment();
  d.clear_supervisor_staff_id();
  EXPECT_TRUE(ValidateDepartment(d).ok());
}

TEST(DepartmentValidation, EachInvalidFieldIsRejectedNamingTheField) {
  struct Case {
    const char* what;
    std::function<void(v1::Department&)> spoil;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"missing id", [](v1::Department& d) { d.clear_id(); }, "department.id"},
      {"upper-case id", [](v1::Department& d) { d.set_id("Engineering"); }, "department.id"},
      {"id starting with a digit", [](v1::Department& d) { d.set_id("1st"); }, "department.id"},
      {"id with '_'", [](v1::Department& d) { d.set_id("customer_service"); }, "department.id"},
      {"id of 33 characters", [](v1::Department& d) { d.set_id(Repeat("a", 33)); },
       "department.id"},
      {"missing name", [](v1::Department& d) { d.clear_name(); }, "department.name"},
      {"name of 51 characters", [](v1::Department& d) { d.set_name(Repeat("部", 51)); },
       "department.name"},
      {"name with a control character", [](v1::Department& d) { d.set_name("工程\x07部"); },
       "department.name"},
      {"missing kind", [](v1::Department& d) { d.set_kind(v1::DEPARTMENT_KIND_UNSPECIFIED); },
       "department.kind"},
      {"unknown kind", [](v1::Department& d) { d.set_kind(static_cast<v1::DepartmentKind>(9)); },
       "department.kind"},
      {"malformed supervisor", [](v1::Department& d) { d.set_supervisor_staff_id("s0002"); },
       "department.supervisor_staff_id"},
  };
  for (const auto& c : cases) {
    v1::Department d = ValidDepartment();
    c.spoil(d);
    absl::Status status = ValidateDepartment(d);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.what;
    EXPECT_THAT(std::string(status.message()), StartsWith(std::string(c.field) + ": ")) << c.what;
  }
}

TEST(DepartmentValidation, TheFirstInvalidFieldIsTheOneReported) {
  v1::Department d;  // everything missing
  EXPECT_EQ(std::string(ValidateDepartment(d).message()), "department.id: is required");
}

// --- Upserts -------------------------------------------------------------------------------------

const absl::Time kT0 = absl::FromUnixSeconds(1790000000);

TEST(Upserts, ANewIdIsCreatedWithBothTimestampsNow) {
  auto u = DecideUpsert(std::nullopt, ValidStaff(), kT0);
  EXPECT_EQ(u.outcome, v1::UPSERT_OUTCOME_CREATED);
  EXPECT_TRUE(u.writes());
  EXPECT_EQ(FromProto(u.record.created_at()), kT0);
  EXPECT_EQ(FromProto(u.record.updated_at()), kT0);
  EXPECT_EQ(u.record.name(), "马丽");
}

TEST(Upserts, TheSameRecordAgainChangesNothingNotEvenItsTimestamps) {
  auto created = DecideUpsert(std::nullopt, ValidStaff(), kT0).record;
  v1::Staff retry = ValidStaff();
  // Callers may send back what they read, timestamps included: those are ignored.
  ToProto(kT0 - absl::Hours(5), retry.mutable_updated_at());
  auto u = DecideUpsert(created, retry, kT0 + absl::Minutes(3));
  EXPECT_EQ(u.outcome, v1::UPSERT_OUTCOME_UNCHANGED);
  EXPECT_FALSE(u.writes());
  EXPECT_EQ(FromProto(u.record.updated_at()), kT0);
}

TEST(Upserts, AChangedFieldKeepsCreatedAtAndMovesUpdatedAt) {
  auto created = DecideUpsert(std::nullopt, ValidStaff(), kT0).record;
  v1::Staff moved = ValidStaff();
  moved.set_active(false);
  auto u = DecideUpsert(created, moved, kT0 + absl::Hours(1));
  EXPECT_EQ(u.outcome, v1::UPSERT_OUTCOME_UPDATED);
  EXPECT_EQ(FromProto(u.record.created_at()), kT0);
  EXPECT_EQ(FromProto(u.record.updated_at()), kT0 + absl::Hours(1));
  EXPECT_FALSE(u.record.active());
}

TEST(Upserts, TimestampsKeepTheMicrosecondsTheDatabaseKeeps) {
  const absl::Time now = kT0 + absl::Nanoseconds(123456789);
  auto u = DecideUpsert(std::nullopt, ValidDepartment(), now);
  EXPECT_EQ(u.record.created_at().nanos(), 123456000);
}

// --- Supervisors ---------------------------------------------------------------------------------

TEST(Supervisors, ADepartmentMayNameOnlyAnExistingActiveSupervisor) {
  v1::Staff boss = ValidStaff();
  boss.set_id("S0002");
  boss.set_role(v1::STAFF_ROLE_SUPERVISOR);
  EXPECT_TRUE(CheckSupervisor("", std::nullopt).ok());  // none named
  EXPECT_TRUE(CheckSupervisor("S0002", boss).ok());

  absl::Status missing = CheckSupervisor("S0002", std::nullopt);
  EXPECT_EQ(missing.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(missing.message()), StartsWith("department.supervisor_staff_id: "));

  v1::Staff handler = boss;
  handler.set_role(v1::STAFF_ROLE_HANDLER);
  EXPECT_EQ(CheckSupervisor("S0002", handler).code(), absl::StatusCode::kFailedPrecondition);
  v1::Staff gone = boss;
  gone.set_active(false);
  EXPECT_THAT(std::string(CheckSupervisor("S0002", gone).message()), HasSubstr("not active"));
}

TEST(Supervisors, ASupervisorCannotLeaveOrChangeRoleWhileADepartmentNamesThem) {
  v1::Staff boss = ValidStaff();
  boss.set_role(v1::STAFF_ROLE_SUPERVISOR);
  EXPECT_TRUE(CheckKeepsSupervision(boss, {"engineering"}).ok());

  v1::Staff leaving = boss;
  leaving.set_active(false);
  absl::Status s = CheckKeepsSupervision(leaving, {"engineering", "handover"});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), StartsWith("staff.active: "));
  EXPECT_THAT(std::string(s.message()), HasSubstr("departments engineering, handover"));

  v1::Staff demoted = boss;
  demoted.set_role(v1::STAFF_ROLE_HANDLER);
  EXPECT_THAT(std::string(CheckKeepsSupervision(demoted, {"engineering"}).message()),
              StartsWith("staff.role: "));
  // Once no department names them, anything goes.
  EXPECT_TRUE(CheckKeepsSupervision(leaving, {}).ok());
}

TEST(Supervisors, StaffMustBelongToAnExistingDepartment) {
  absl::Status s = CheckStaffDepartment(ValidStaff(), std::nullopt);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(std::string(s.message()), "staff.department_id: no department \"engineering\"");
  v1::Department closed = ValidDepartment();
  closed.set_active(false);
  EXPECT_TRUE(CheckStaffDepartment(ValidStaff(), closed).ok());
}

// --- Storage names -------------------------------------------------------------------------------

TEST(StorageNames, EveryRoleAndKindHasANameThatReadsBack) {
  EXPECT_EQ(AllRoles().size(), 9u);
  for (auto role : AllRoles()) {
    ASSERT_FALSE(RoleName(role).empty()) << role;
    EXPECT_EQ(RoleFromName(RoleName(role)), role);
  }
  EXPECT_EQ(AllKinds().size(), 5u);
  for (auto kind : AllKinds()) {
    ASSERT_FALSE(KindName(kind).empty()) << kind;
    EXPECT_EQ(KindFromName(KindName(kind)), kind);
  }
  EXPECT_EQ(RoleName(v1::STAFF_ROLE_CALLBACK_AGENT), "CALLBACK_AGENT");
  EXPECT_EQ(KindName(v1::DEPARTMENT_KIND_PROPERTY_MANAGEMENT), "PROPERTY_MANAGEMENT");
  EXPECT_EQ(RoleName(v1::STAFF_ROLE_UNSPECIFIED), "");
  EXPECT_FALSE(RoleFromName("handler").has_value());  // exact spelling only
}

// --- Lists ---------------------------------------------------------------------------------------

TEST(Paging, PageSizeZeroMeansFiftyAndAboveTwoHundredIsRejected) {
  complaints::common::v1::PageRequest page;
  EXPECT_EQ(*PageSize(page), 50);
  page.set_page_size(1);
  EXPECT_EQ(*PageSize(page), 1);
  page.set_page_size(200);
  EXPECT_EQ(*PageSize(page), 200);
  page.set_page_size(201);
  EXPECT_THAT(std::string(PageSize(page).status().message()), StartsWith("page.page_size: "));
  page.set_page_size(-1);
  EXPECT_EQ(PageSize(page).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Paging, ATokenCarriesTheLastIdAndOnlyWorksWithItsOwnFilters) {
  v1::ListStaffRequest handlers;
  handlers.set_role(v1::STAFF_ROLE_HANDLER);
  const std::string token = EncodePageToken(FilterKey(handlers), "S0022");
  EXPECT_EQ(*DecodePageToken(token, FilterKey(handlers)), "S0022");
  EXPECT_EQ(*DecodePageToken("", FilterKey(handlers)), "");  // first page

  v1::ListStaffRequest active_handlers = handlers;
  active_handlers.set_active(true);
  absl::StatusOr<std::string> other = DecodePageToken(token, FilterKey(active_handlers));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(other.status().message()), StartsWith("page.page_token: "));
}

TEST(Paging, FilterKeysTellUnsetActiveFromFalse) {
  v1::ListStaffRequest any, inactive;
  inactive.set_active(false);
  EXPECT_NE(FilterKey(any), FilterKey(inactive));
  v1::ListDepartmentsRequest all, inactive_departments;
  inactive_departments.set_active(false);
  EXPECT_NE(FilterKey(all), FilterKey(inactive_departments));
}

TEST(Paging, GarbageTokensAreRejected) {
  const std::string key = FilterKey(v1::ListStaffRequest());
  for (const std::string& token :
       {std::string("not base64 !"), std::string("cDEKc3RhZmY"), Repeat("A", 600),
        EncodePageToken(key, ""), EncodePageToken(key, Repeat("S", 40))}) {
    EXPECT_EQ(DecodePageToken(token, key).status().code(), absl::StatusCode::kInvalidArgument)
        << token;
  }
}

TEST(ListFilters, UnknownEnumValuesAndMalformedIdsAreRejectedNamingTheFilter) {
  v1::ListStaffRequest r;
  EXPECT_TRUE(ValidateListStaff(r).ok());  // no filters: everyone
  r.set_role(static_cast<v1::StaffRole>(77));
  EXPECT_THAT(std::string(ValidateListStaff(r).message()), StartsWith("role: "));
  r.clear_role();
  r.set_department_id("No Such");
  EXPECT_THAT(std::string(ValidateListStaff(r).message()), StartsWith("department_id: "));

  v1::ListDepartmentsRequest d;
  EXPECT_TRUE(ValidateListDepartments(d).ok());
  d.set_kind(static_cast<v1::DepartmentKind>(6));
  EXPECT_THAT(std::string(ValidateListDepartments(d).message()), StartsWith("kind: "));
}

TEST(Timestamps, RoundTripThroughTheProtoType) {
  const absl::Time t = kT0 + absl::Microseconds(654321);
  google::protobuf::Timestamp ts;
  ToProto(t, &ts);
  EXPECT_EQ(ts.seconds(), 1790000000);
  EXPECT_EQ(ts.nanos(), 654321000);
  EXPECT_EQ(FromProto(ts), t);
}

}  // namespace
}  // namespace tousu::staff
