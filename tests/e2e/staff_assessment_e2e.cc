// Policy §9.2 and §10 end to end: one simulated quarter of complaints driven through the real
// services (tools/simulate), with one handler (S0022) who acknowledges late, proposes late and
// leaves customers unsatisfied. Every handler's and callback agent's figures and grade are checked
// against values this test computes itself from the simulated plan and what the services recorded,
// by the rules of services/staff-assessment/domain/assessment.h, never from the assessment.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/client/channel.h"
#include "common/time/beijing_zone.h"
#include "common/time/business_calendar.h"
#include "common/time/proto_time.h"
#include "complaints/followup/v1/followup.grpc.pb.h"
#include "complaints/staff/v1/assessment.grpc.pb.h"
#include "tests/e2e/stack.h"
#include "tools/simulate/driver.h"
#include "tools/simulate/plan.h"

namespace tousu {
namespace {

namespace fv1 = complaints::followup::v1;
namespace sv1 = complaints::staff::v1;
using simulate::StepKind;
using simulate::Stop;

constexpr int kPerMonth = 24;
constexpr char kStruggling[] = "S0022";
// The service's defaults (assessment.h Policy).
constexpr double kWeightTimeliness = 0.4, kWeightSatisfaction = 0.3, kWeightEffectiveness = 0.3;
constexpr double kExcellentAt = 90, kPassAt = 60;

// One person's figures as the policy defines them.
struct Expected {
  int cases = 0, checks = 0, met = 0, responses = 0, score_sum = 0, resolved = 0, clean = 0;
};

// What the events say about one complaint: who acted when, and whose deadlines fell due when.
struct Story {
  std::string number;
  std::vector<std::pair<std::string, absl::Time>> acts;  // (staff, at)
  struct Deadline {
    std::string staff;
    std::string kind;  // "acknowledgement", "solution", "callback"
    absl::Time due;
    bool met = true;
  };
  std::vector<Deadline> deadlines;
  // A deadline is identified by (kind, due) within a complaint (assessment.h): two that fall due
  // at the same instant, e.g. a first solution and a revision both due at 00:00 after a weekend,
  // are one check, met only if both were, and the person the later one names.
  void Add(Deadline d) {
    for (Deadline& old : deadlines) {
      if (old.kind == d.kind && old.due == d.due) {
        old.met = old.met && d.met;
        old.staff = d.staff;
        return;
      }
    }
    deadlines.push_back(std::move(d));
  }
  std::vector<std::pair<absl::Time, int>> scores;  // callbacks recorded
  std::vector<absl::Time> resolutions;
  bool reopened = false;
  std::string tracker;
};

// 100 × Σ wᵢ·cᵢ / Σ wᵢ over the components present, rounded to 4 decimals.
std::optional<double> Score(const Expected& e, std::optional<std::pair<int, int>> sla) {
  double weighted = 0, weights = 0;
  const int checks = sla ? sla->second : e.checks, met = sla ? sla->first : e.met;
  if (checks > 0) {
    weighted += kWeightTimeliness * met / checks;
    weights += kWeightTimeliness;
  }
  if (e.responses > 0) {
    weighted += kWeightSatisfaction * (static_cast<double>(e.score_sum) / e.responses - 1) / 4;
    weights += kWeightSatisfaction;
  }
  if (e.resolved > 0) {
    weighted += kWeightEffectiveness * e.clean / e.resolved;
    weights += kWeightEffectiveness;
  }
  if (weights == 0) return std::nullopt;
  return std::round(100.0 * weighted / weights * 1e4) / 1e4;
}

sv1::Grade GradeOf(std::optional<double> score) {
  if (!score) return sv1::GRADE_UNSPECIFIED;
  if (*score >= kExcellentAt) return sv1::GRADE_EXCELLENT;
  if (*score >= kPassAt) return sv1::GRADE_PASS;
  return sv1::GRADE_BELOW_BAR;
}

class StaffAssessmentE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new e2e::Stack();
    stack_->Start();
    if (::testing::Test::HasFatalFailure()) return;
    auto calendar = time::BusinessCalendar::LoadFile(TOUSU_CALENDAR_FILE);
    ASSERT_TRUE(calendar.ok()) << calendar.status();
    calendar_ = new time::BusinessCalendar(*std::move(calendar));

    // The next whole quarter after today (the simulated clock only moves forward).
    const absl::CivilMonth now = absl::ToCivilMonth(absl::Now(), time::BeijingZone());
    const absl::CivilMonth first(now.year(), (now.month() - 1) / 3 * 3 + 1 + 3);
    year_ = static_cast<int>(first.year());
    quarter_ = (first.month() - 1) / 3 + 1;
    start_ = absl::FromCivil(first, time::BeijingZone());
    end_ = absl::FromCivil(first + 3, time::BeijingZone());

    simulate::PlanOptions options;
    const char* seed = std::getenv("TOUSU_E2E_SIMULATE_SEED");
    options.seed = seed != nullptr ? std::strtoull(seed, nullptr, 10) : 20270101;
    std::cerr << "simulation seed " << options.seed << ", quarter " << year_ << "Q" << quarter_
              << "\n";
    for (int i = 0; i < 3; ++i) {
      const absl::CivilMonth m = first + i;
      options.months.push_back(
          {.year = static_cast<int>(m.year()), .month = m.month(), .complaints = kPerMonth});
    }
    options.struggling_owner = kStruggling;
    auto plan = simulate::GeneratePlan(options, *calendar_);
    ASSERT_TRUE(plan.ok()) << plan.status();
    plan_ = new simulate::Plan(*std::move(plan));

    simulate::Driver driver(
        {.intake = stack_->service("intake").address(),
         .routing = stack_->service("routing").address(),
         .case_handling = stack_->service("case-handling").address(),
         .follow_up = stack_->service("follow-up").address()},
        {.clock_file = stack_->clock_file(),
         .wait_timeout = absl::Seconds(30),
         .call_timeout = absl::Seconds(10),
         .progress = [](const std::string& line) { std::cerr << "simulate: " << line << "\n"; }});
    const absl::Time started = absl::Now();
    auto record = driver.Run(*plan_);
    ASSERT_TRUE(record.ok()) << record.status();
    std::cerr << "simulated " << plan_->complaints.size() << " complaints in "
              << absl::Now() - started << "\n";
    record_ = new simulate::Record(*std::move(record));

    // Past the quarter's end, so every deadline of the quarter has passed and been noticed.
    clock_ = std::max(record_->clock_at_end, end_) + absl::Hours(1);
    stack_->SetClockOffset(clock_ - absl::Now());
    WaitUntilStaffAssessmentCaughtUp();
  }

  static void TearDownTestSuite() {
    delete record_;
    delete plan_;
    delete calendar_;
    delete stack_;
    record_ = nullptr;
    plan_ = nullptr;
    calendar_ = nullptr;
    stack_ = nullptr;
  }

  // Every event for staff-assessment delivered by every producer, twice in a row a while apart
  // (the timers may still be noticing overdue deadlines right after the clock moved).
  static void WaitUntilStaffAssessmentCaughtUp() {
    absl::SleepFor(absl::Seconds(2));
    int quiet = 0;
    const absl::Time until = absl::Now() + absl::Seconds(60);
    while (quiet < 2 && absl::Now() < until) {
      int pending = 0;
      for (const char* producer : {"routing", "case-handling", "follow-up"}) {
        pending += std::stoi(stack_->service(producer).db->QueryScalar(
            "SELECT COUNT(*) FROM outbox WHERE subscriber = 'staff-assessment' AND "
            "delivered_at IS NULL"));
      }
      quiet = pending == 0 ? quiet + 1 : 0;
      absl::SleepFor(absl::Seconds(1));
    }
    ASSERT_EQ(quiet, 2) << "staff-assessment did not catch up with the events";
  }

  void SetUp() override {
    ASSERT_NE(record_, nullptr) << "the simulation did not run";
    auto channel = [](const std::string& address) {
      return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    };
    assessment_ =
        sv1::AssessmentService::NewStub(channel(stack_->service("staff-assessment").address()));
    followup_ = fv1::FollowUpService::NewStub(channel(stack_->service("follow-up").address()));
  }

  static std::unique_ptr<grpc::ClientContext> Ctx() {
    return client::NewCallContext(absl::Seconds(30));
  }

  absl::Time BusinessDaysAfter(absl::Time from, int days) {
    auto due = calendar_->AddBusinessDays(from, days);
    EXPECT_TRUE(due.ok()) << due.status();
    return due.ok() ? due->at : from;
  }

  // Each complaint's story, from the plan, the record, and who follow-up assigned.
  std::vector<Story> Stories() {
    std::vector<Story> out;
    for (const simulate::ComplaintRecord& r : record_->complaints) {
      const simulate::PlannedComplaint& c = plan_->complaints[static_cast<size_t>(r.plan_index)];
      Story s;
      s.number = r.number;
      if (c.stop == Stop::kNotAcknowledged || !r.acknowledged_at) {
        out.push_back(s);  // the overdue acknowledgement names nobody
        continue;
      }
      const std::string owner = c.owner_staff_id;
      const absl::Time ack = *r.acknowledged_at;
      s.acts.emplace_back(owner, ack);
      s.Add({owner, "acknowledgement", r.received_at + absl::Hours(1), !c.ack_late});
      const absl::Time first_due = BusinessDaysAfter(ack, 2);
      if (c.stop == Stop::kInvestigating) {
        if (first_due < clock_) s.Add({owner, "solution", first_due, false});
      } else {
        s.Add({owner, "solution", first_due, !c.solution_late});
      }

      fv1::GetFollowUpRequest req;
      req.set_number(r.number);
      fv1::GetFollowUpResponse follow_up;
      const grpc::Status got = followup_->GetFollowUp(Ctx().get(), req, &follow_up);
      EXPECT_TRUE(got.ok()) << r.number << ": " << got.error_message();
      s.tracker = follow_up.follow_up().tracker_staff_id();
      if (!s.tracker.empty()) s.acts.emplace_back(s.tracker, ack);
      std::map<int, std::string> agents;
      for (const auto& cb : follow_up.follow_up().callbacks()) {
        agents[cb.cycle()] = cb.assigned_agent_staff_id();
      }

      int cycle = 1;
      absl::Time resolved_at;
      for (const simulate::Step& step : plan_->steps) {
        if (step.complaint != c.index) continue;
        switch (step.kind) {
          case StepKind::kPropose:
            s.acts.emplace_back(owner, step.at);
            break;
          case StepKind::kReject:  // the revision is due 2 business days after; made within hours
            s.Add({owner, "solution", BusinessDaysAfter(step.at, 2), true});
            break;
          case StepKind::kResolve:
            s.acts.emplace_back(owner, step.at);
            s.resolutions.push_back(step.at);
            resolved_at = step.at;
            cycle = step.cycle;
            break;
          case StepKind::kCallback: {
            const std::string& agent = agents[step.cycle];
            const bool late = c.callbacks[static_cast<size_t>(step.cycle - 1)].late;
            s.acts.emplace_back(agent, step.at);
            s.Add({agent, "callback", BusinessDaysAfter(resolved_at, 3), !late});
            s.scores.emplace_back(step.at, step.satisfaction);
            if (step.satisfaction <= 2) {
              // Reopened (the owner is named); the new solution is due 2 business days later and
              // comes within the day.
              s.reopened = true;
              s.acts.emplace_back(owner, step.at);
              s.Add({owner, "solution", BusinessDaysAfter(step.at, 2), true});
            }
            break;
          }
          default:
            break;
        }
      }
      // A callback never made: overdue once its deadline passed.
      if (c.stop == Stop::kAwaitingCallback) {
        const absl::Time due = BusinessDaysAfter(resolved_at, 3);
        if (due < clock_) s.Add({agents[cycle], "callback", due, false});
      }
      out.push_back(s);
    }
    return out;
  }

  // Everyone's figures for the quarter, by the rules of assessment.h.
  std::map<std::string, Expected> ExpectedFigures(std::map<std::string, std::string>* trackers) {
    auto in = [&](absl::Time t) { return t >= start_ && t < end_; };
    std::map<std::string, Expected> out;
    for (const Story& s : Stories()) {
      std::set<std::string> touched;
      for (const auto& [staff, at] : s.acts) {
        if (!staff.empty() && in(at)) touched.insert(staff);
      }
      for (const auto& d : s.deadlines) {
        if (!d.staff.empty() && in(d.due)) touched.insert(d.staff);
      }
      std::optional<int> last_score;
      for (const auto& [at, score] : s.scores) {
        if (in(at)) last_score = score;
      }
      const bool resolved = std::any_of(s.resolutions.begin(), s.resolutions.end(),
                                        [&](absl::Time t) { return t < end_; });
      for (const std::string& staff : touched) {
        Expected& e = out[staff];
        ++e.cases;
        for (const auto& d : s.deadlines) {
          if (d.staff != staff || !in(d.due)) continue;
          ++e.checks;
          if (d.met) ++e.met;
        }
        if (last_score) {
          ++e.responses;
          e.score_sum += *last_score;
        }
        if (resolved) {
          ++e.resolved;
          if (!s.reopened) ++e.clean;
        }
        if (staff == s.tracker) (*trackers)[staff] = staff;
      }
    }
    return out;
  }

  // On a disagreement: the deadlines this test expects of a person beside the assessment's own
  // evidence, to tell which side is wrong.
  void DumpDeadlines(const std::string& staff) {
    auto when = [](absl::Time t) {
      return absl::FormatTime("%Y-%m-%d %H:%M:%S", t, time::BeijingZone());
    };
    for (const Story& s : Stories()) {
      for (const auto& d : s.deadlines) {
        if (d.staff == staff && d.due >= start_ && d.due < end_) {
          std::cerr << staff << " expected " << s.number << " " << when(d.due)
                    << (d.met ? " met" : " missed") << "\n";
        }
      }
    }
    sv1::ExplainAssessmentRequest req;
    req.set_year(year_);
    req.set_quarter(quarter_);
    req.set_staff_id(staff);
    sv1::ExplainAssessmentResponse explained;
    if (!assessment_->ExplainAssessment(Ctx().get(), req, &explained).ok()) return;
    for (const auto& ev : explained.evidence()) {
      if (ev.kind() != "sla") continue;
      std::cerr << staff << " assessed " << ev.number() << " " << when(time::FromProto(ev.at()))
                << " " << ev.sla() << (ev.met() ? " met" : " missed") << "\n";
    }
  }

  sv1::RunQuarterlyAssessmentResponse Run() {
    sv1::RunQuarterlyAssessmentRequest req;
    req.set_year(year_);
    req.set_quarter(quarter_);
    sv1::RunQuarterlyAssessmentResponse resp;
    const grpc::Status s = assessment_->RunQuarterlyAssessment(Ctx().get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  static e2e::Stack* stack_;
  static time::BusinessCalendar* calendar_;
  static simulate::Plan* plan_;
  static simulate::Record* record_;
  static int year_, quarter_;
  static absl::Time start_, end_, clock_;
  std::unique_ptr<sv1::AssessmentService::Stub> assessment_;
  std::unique_ptr<fv1::FollowUpService::Stub> followup_;
};

e2e::Stack* StaffAssessmentE2e::stack_ = nullptr;
time::BusinessCalendar* StaffAssessmentE2e::calendar_ = nullptr;
simulate::Plan* StaffAssessmentE2e::plan_ = nullptr;
simulate::Record* StaffAssessmentE2e::record_ = nullptr;
int StaffAssessmentE2e::year_ = 0;
int StaffAssessmentE2e::quarter_ = 0;
absl::Time StaffAssessmentE2e::start_, StaffAssessmentE2e::end_, StaffAssessmentE2e::clock_;

// One test, in the order a quarter's end goes: the run, the training it causes, a re-run, the
// accountability a person confirms, and the metrics.
TEST_F(StaffAssessmentE2e, AQuarterOfComplaintsGivesEachPersonTheFiguresAndGradeTheRulesSay) {
  std::map<std::string, std::string> trackers;
  const auto expected = ExpectedFigures(&trackers);
  ASSERT_TRUE(expected.count(kStruggling)) << "the plan gave " << kStruggling << " no complaint";

  const auto run = Run();
  EXPECT_EQ(run.run_number(), 1);
  EXPECT_FALSE(run.replaced_previous_run());
  EXPECT_DOUBLE_EQ(run.weight_timeliness(), kWeightTimeliness);
  EXPECT_DOUBLE_EQ(run.pass_threshold(), kPassAt);
  std::map<std::string, sv1::Assessment> by;
  for (const auto& a : run.assessments()) by[a.staff_id()] = a;

  std::set<std::string> expected_people, assessed_people;
  for (const auto& [staff, e] : expected) expected_people.insert(staff);
  for (const auto& [staff, a] : by) assessed_people.insert(staff);
  EXPECT_EQ(assessed_people, expected_people);

  int handlers = 0, agents = 0;
  for (const auto& [staff, e] : expected) {
    SCOPED_TRACE(staff);
    if (!by.count(staff)) continue;
    const sv1::Assessment& a = by.at(staff);
    EXPECT_EQ(a.cases_touched(), e.cases);
    EXPECT_EQ(a.satisfaction_responses(), e.responses);
    EXPECT_NEAR(a.average_satisfaction(), e.responses ? double(e.score_sum) / e.responses : 0,
                1e-9);
    EXPECT_EQ(a.cases_resolved(), e.resolved);
    EXPECT_EQ(a.resolved_without_reopening(), e.clean);
    std::optional<std::pair<int, int>> sla;
    if (trackers.count(staff)) {
      // A tracker's progress-update deadlines follow follow-up's cadence, which the simulator does
      // not plan: their count is taken from the assessment's own evidence, the rest is checked.
      sv1::ExplainAssessmentRequest req;
      req.set_year(year_);
      req.set_quarter(quarter_);
      req.set_staff_id(staff);
      sv1::ExplainAssessmentResponse explained;
      ASSERT_TRUE(assessment_->ExplainAssessment(Ctx().get(), req, &explained).ok());
      int checks = 0, met = 0;
      for (const auto& ev : explained.evidence()) {
        if (ev.kind() != "sla") continue;
        EXPECT_EQ(ev.sla(), "progress_update");
        ++checks;
        if (ev.met()) ++met;
      }
      EXPECT_EQ(a.sla_checks(), checks);
      EXPECT_EQ(a.sla_met(), met);
      sla = std::make_pair(a.sla_met(), a.sla_checks());
    } else {
      EXPECT_EQ(a.sla_checks(), e.checks);
      EXPECT_EQ(a.sla_met(), e.met);
      if (a.sla_checks() != e.checks || a.sla_met() != e.met) DumpDeadlines(staff);
      (a.role() == sv1::STAFF_ROLE_CALLBACK_AGENT ? agents : handlers)++;
    }
    const auto score = Score(e, sla);
    EXPECT_NEAR(a.score(), score.value_or(0), 1e-3);
    EXPECT_EQ(a.grade(), GradeOf(score));
    EXPECT_EQ(a.reward(), a.grade() == sv1::GRADE_EXCELLENT);
    EXPECT_EQ(a.role_review(), a.grade() == sv1::GRADE_BELOW_BAR);
  }
  EXPECT_GE(handlers, 4);
  EXPECT_GE(agents, 1);
  EXPECT_FALSE(trackers.empty());

  // The struggling handler is below the bar, flagged for review and enrolled in the handlers' plan.
  ASSERT_TRUE(by.count(kStruggling));
  const sv1::Assessment& weak = by.at(kStruggling);
  EXPECT_EQ(weak.grade(), sv1::GRADE_BELOW_BAR);
  EXPECT_TRUE(weak.role_review());
  EXPECT_EQ(weak.enrolled_plan_id(), "plan-handler");
  sv1::ListTrainingStatusRequest status_req;
  status_req.set_staff_id(kStruggling);
  sv1::ListTrainingStatusResponse status;
  ASSERT_TRUE(assessment_->ListTrainingStatus(Ctx().get(), status_req, &status).ok());
  ASSERT_EQ(status.people_size(), 1);
  const std::string label = absl::StrCat(year_, "Q", quarter_);
  std::set<std::string> courses;
  for (const auto& e : status.people(0).enrolments()) {
    EXPECT_EQ(e.plan_id(), "plan-handler");
    EXPECT_EQ(e.reason(), "assessment");
    EXPECT_EQ(e.assessment_quarter(), label);
    courses.insert(e.course_id());
  }
  EXPECT_EQ(courses,
            (std::set<std::string>{"handler-customer-communication", "handler-investigation"}));

  // A re-run replaces the first and changes nothing else.
  const auto again = Run();
  EXPECT_EQ(again.run_number(), 2);
  EXPECT_TRUE(again.replaced_previous_run());
  ASSERT_EQ(again.assessments_size(), run.assessments_size());
  for (int i = 0; i < run.assessments_size(); ++i) {
    sv1::Assessment first = run.assessments(i), second = again.assessments(i);
    for (auto* a : {&first, &second}) {
      a->clear_run_number();
      a->clear_computed_at();
    }
    EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString()) << first.staff_id();
  }
  sv1::ListTrainingStatusResponse status_again;
  ASSERT_TRUE(assessment_->ListTrainingStatus(Ctx().get(), status_req, &status_again).ok());
  EXPECT_EQ(status_again.people(0).enrolments_size(), status.people(0).enrolments_size());

  // Accountability: a suggestion for each late acknowledgement of the struggling handler, nothing
  // recorded until a person confirms one, which then shows in the assessment.
  sv1::ListAccountabilitySuggestionsRequest list;
  list.set_staff_id(kStruggling);
  sv1::ListAccountabilitySuggestionsResponse pending;
  ASSERT_TRUE(assessment_->ListAccountabilitySuggestions(Ctx().get(), list, &pending).ok());
  std::set<std::string> late_acks_suggested;
  const sv1::AccountabilitySuggestion* to_confirm = nullptr;
  for (const auto& s : pending.suggestions()) {
    if (s.rule() != "late_acknowledgement") continue;
    late_acks_suggested.insert(s.number());
    EXPECT_EQ(s.cause(), sv1::ACCOUNTABILITY_CAUSE_DELAY);
    if (to_confirm == nullptr) to_confirm = &s;
  }
  std::set<std::string> late_acks;
  for (const auto& r : record_->complaints) {
    const auto& c = plan_->complaints[static_cast<size_t>(r.plan_index)];
    if (c.owner_staff_id == kStruggling && r.acknowledged_at && c.ack_late) {
      late_acks.insert(r.number);
    }
  }
  EXPECT_EQ(late_acks_suggested, late_acks);
  ASSERT_NE(to_confirm, nullptr);
  sv1::ListAccountabilityRequest records_req;
  records_req.set_staff_id(kStruggling);
  sv1::ListAccountabilityResponse none;
  ASSERT_TRUE(assessment_->ListAccountability(Ctx().get(), records_req, &none).ok());
  EXPECT_EQ(none.records_size(), 0);

  sv1::RecordAccountabilityRequest confirm;
  confirm.set_suggestion_id(to_confirm->id());
  confirm.set_measure(sv1::ACCOUNTABILITY_MEASURE_CRITICISM_AND_EDUCATION);
  confirm.set_decided_by_staff_id("S0002");
  // Decided in the quarter, so it belongs to the quarter's assessment.
  *confirm.mutable_decided_at() = time::ToProto(end_ - absl::Hours(2));
  confirm.set_note("多次超时受理，批评教育并参加培训");
  sv1::RecordAccountabilityResponse recorded;
  const grpc::Status confirmed = assessment_->RecordAccountability(Ctx().get(), confirm, &recorded);
  ASSERT_TRUE(confirmed.ok()) << confirmed.error_message();
  EXPECT_EQ(recorded.record().staff_id(), kStruggling);
  sv1::GetAssessmentRequest get;
  get.set_year(year_);
  get.set_quarter(quarter_);
  get.set_staff_id(kStruggling);
  sv1::GetAssessmentResponse got;
  ASSERT_TRUE(assessment_->GetAssessment(Ctx().get(), get, &got).ok());
  ASSERT_EQ(got.assessment().accountability_size(), 1);
  EXPECT_EQ(got.assessment().accountability(0).id(), recorded.record().id());
  EXPECT_EQ(got.assessment().accountability(0).number(), to_confirm->number());

  // Metrics: both runs, and the grades by department of the latest.
  const std::string metrics =
      testing::HttpGet(stack_->service("staff-assessment").metrics_port, "/metrics");
  EXPECT_EQ(testing::MetricValue(metrics, "tousu_staff_assessment_assessments_run_total",
                                 {"outcome=\"first_run\""}),
            1);
  EXPECT_EQ(testing::MetricValue(metrics, "tousu_staff_assessment_assessments_run_total",
                                 {"outcome=\"replaced\""}),
            1);
  std::map<std::pair<std::string, std::string>, int> grades;
  for (const auto& a : again.assessments()) {
    const char* grade = a.grade() == sv1::GRADE_EXCELLENT   ? "EXCELLENT"
                        : a.grade() == sv1::GRADE_PASS      ? "PASS"
                        : a.grade() == sv1::GRADE_BELOW_BAR ? "BELOW_BAR"
                                                            : "NOT_GRADED";
    ++grades[{a.department_id(), grade}];
  }
  for (const auto& [key, n] : grades) {
    EXPECT_EQ(testing::MetricValue(metrics, "tousu_staff_assessment_grades",
                                   {"quarter=\"" + label + "\"", "department=\"" + key.first + "\"",
                                    "grade=\"" + key.second + "\""}),
              n)
        << key.first << " " << key.second;
  }
}

}  // namespace
}  // namespace tousu
