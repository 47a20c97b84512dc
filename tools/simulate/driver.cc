#include "tools/simulate/driver.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/client/channel.h"
#include "common/time/beijing_zone.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "complaints/casehandling/v1/case.grpc.pb.h"
#include "complaints/followup/v1/followup.grpc.pb.h"
#include "complaints/intake/v1/intake.grpc.pb.h"
#include "complaints/routing/v1/routing.grpc.pb.h"

namespace tousu::simulate {

namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;
namespace chv1 = complaints::casehandling::v1;
namespace fv1 = complaints::followup::v1;

struct Driver::Stubs {
  std::unique_ptr<iv1::IntakeService::Stub> intake;
  std::unique_ptr<rv1::RoutingService::Stub> routing;
  std::unique_ptr<chv1::CaseService::Stub> cases;
  std::unique_ptr<fv1::FollowUpService::Stub> followup;
};

namespace {

// Every service re-reads the offset file at most this long after it changes (OffsetFileClock's
// refresh is 50 ms), so a step run after this sees the new time.
constexpr absl::Duration kClockSettles = absl::Milliseconds(60);
constexpr absl::Duration kPollEvery = absl::Milliseconds(20);

std::shared_ptr<grpc::Channel> Channel(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

absl::Status Failed(const char* rpc, const grpc::Status& s) {
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat(rpc, ": ", s.error_message()));
}

std::optional<absl::Time> TimeOf(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return std::nullopt;
  return time::FromProto(ts);
}

std::string LocalDay(absl::Time t) { return absl::FormatTime("%Y-%m-%d", t, time::BeijingZone()); }

std::string BeijingTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S +08:00", t, time::BeijingZone());
}

}  // namespace

Driver::Driver(Endpoints endpoints, DriverOptions options)
    : endpoints_(std::move(endpoints)),
      options_(std::move(options)),
      stubs_(std::make_unique<Stubs>()) {
  stubs_->intake = iv1::IntakeService::NewStub(Channel(endpoints_.intake));
  stubs_->routing = rv1::RoutingService::NewStub(Channel(endpoints_.routing));
  stubs_->cases = chv1::CaseService::NewStub(Channel(endpoints_.case_handling));
  stubs_->followup = fv1::FollowUpService::NewStub(Channel(endpoints_.follow_up));
}

Driver::~Driver() = default;

absl::Status Driver::MoveClockTo(absl::Time at) {
  // Whole seconds, rounded up so the services' "now" is never before the step's time.
  const double needed = absl::ToDoubleSeconds(at - absl::Now());
  const absl::Duration offset = absl::Seconds(static_cast<int64_t>(std::ceil(needed)));
  if (offset <= offset_) return absl::OkStatus();  // already there: time never goes back
  if (!time::OffsetFileClock::WriteOffset(options_.clock_file, offset)) {
    return absl::UnavailableError(
        absl::StrCat("cannot write the clock file ", options_.clock_file));
  }
  offset_ = offset;
  absl::SleepFor(kClockSettles);
  return absl::OkStatus();
}

absl::StatusOr<Record> Driver::Run(const Plan& plan) {
  // A missing file would be created by the first move, but services started without it do not
  // follow it: every SLA outcome would then be wrong, silently.
  if (!std::ifstream(options_.clock_file).good()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no clock offset file at ", options_.clock_file,
                     ": start the stack with tools/run --controllable-clock"));
  }
  offset_ = time::OffsetFileClock(options_.clock_file).Offset();
  const absl::Time now = absl::Now() + offset_;
  if (!plan.steps.empty() && plan.steps.front().at < now) {
    return absl::FailedPreconditionError(
        absl::StrCat("the simulated clock is already at ", BeijingTime(now),
                     ", after the plan's first complaint (", BeijingTime(plan.steps.front().at),
                     "); the clock only moves forward: start later"));
  }
  numbers_.assign(plan.complaints.size(), "");
  received_.assign(plan.complaints.size(), absl::InfinitePast());

  std::string day;
  int submitted = 0;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const Step& step = plan.steps[i];
    if (auto s = MoveClockTo(step.at); !s.ok()) return s;
    if (auto s = Execute(plan, step); !s.ok()) {
      const PlannedComplaint& c = plan.complaints[static_cast<size_t>(step.complaint)];
      return absl::Status(
          s.code(), absl::StrCat("complaint #", c.index, " ", numbers_[c.index], " (", c.request_id,
                                 "), step ", StepKindName(step.kind), " cycle ", step.cycle, " at ",
                                 BeijingTime(step.at), ": ", s.message()));
    }
    if (step.kind == StepKind::kSubmit) ++submitted;
    if (options_.progress && LocalDay(step.at) != day &&
        (i == 0 || LocalDay(step.at).substr(8) == "01" || LocalDay(step.at).substr(8) == "15")) {
      day = LocalDay(step.at);
      options_.progress(absl::StrFormat("%s: %d/%d complaints submitted, step %d/%d", day,
                                        submitted, plan.complaints.size(), i + 1,
                                        plan.steps.size()));
    }
  }
  if (auto s = MoveClockTo(plan.end_at); !s.ok()) return s;

  // Wait for the last effects: closed complaints are closed everywhere the run reads them.
  Record record;
  for (const PlannedComplaint& c : plan.complaints) {
    const absl::Time until = absl::Now() + options_.wait_timeout;
    auto read = ReadBack(c);
    while (read.ok() && c.stop == Stop::kClosed && !read->closed_at && absl::Now() < until) {
      absl::SleepFor(kPollEvery);
      read = ReadBack(c);
    }
    if (!read.ok()) return read.status();
    if (c.stop == Stop::kClosed && !read->closed_at) {
      return absl::DeadlineExceededError(absl::StrCat(read->number, " was never closed"));
    }
    record.complaints.push_back(*std::move(read));
  }
  record.clock_at_end = absl::Now() + offset_;
  if (options_.progress) {
    options_.progress(absl::StrFormat("done: %d complaints, %d steps, clock at %s",
                                      plan.complaints.size(), plan.steps.size(),
                                      BeijingTime(record.clock_at_end)));
  }
  return record;
}

absl::Status Driver::Execute(const Plan& plan, const Step& step) {
  const PlannedComplaint& c = plan.complaints[static_cast<size_t>(step.complaint)];
  const std::string& number = numbers_[c.index];
  auto ctx = [&] { return client::NewCallContext(options_.call_timeout); };
  // Polls until `ready` holds: the asynchronous effect a step needs (events cross services).
  auto await = [&](const char* what, const std::function<bool()>& ready) -> absl::Status {
    const absl::Time until = absl::Now() + options_.wait_timeout;
    while (!ready()) {
      if (absl::Now() > until)
        return absl::DeadlineExceededError(absl::StrCat("waited in vain for ", what));
      absl::SleepFor(kPollEvery);
    }
    return absl::OkStatus();
  };
  auto get_case = [&](chv1::Case* out) {
    chv1::GetCaseRequest req;
    req.set_number(number);
    chv1::GetCaseResponse resp;
    if (!stubs_->cases->GetCase(ctx().get(), req, &resp).ok()) return false;
    *out = resp.case_file();
    return true;
  };
  // The case in `state` in cycle `step.cycle`.
  auto case_in = [&](chv1::CaseState state, chv1::Case* out) {
    return await(chv1::CaseState_Name(state).c_str(), [&] {
      return get_case(out) && out->state() == state && out->cycle() == step.cycle;
    });
  };

  // Follow-up waits for the customer's callback of `step.cycle`.
  auto callback_scheduled = [&](fv1::FollowUp* out) {
    fv1::GetFollowUpRequest req;
    req.set_number(number);
    fv1::GetFollowUpResponse resp;
    if (!stubs_->followup->GetFollowUp(ctx().get(), req, &resp).ok()) return false;
    const fv1::FollowUp& f = resp.follow_up();
    if (out != nullptr) *out = f;
    return f.state() == fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK && f.cycle() == step.cycle &&
           !f.callbacks().empty() && f.callbacks(f.callbacks_size() - 1).cycle() == step.cycle;
  };

  switch (step.kind) {
    case StepKind::kSubmit: {
      iv1::SubmitComplaintRequest req;
      req.set_request_id(c.request_id);
      auto* in = req.mutable_complaint();
      in->set_customer_name(c.customer_name);
      in->set_customer_phone(c.customer_phone);
      in->set_project(c.project);
      in->set_building(c.building);
      in->set_unit(c.unit);
      in->set_description(c.description);
      time::ToProto(c.received_at - absl::Hours(20), in->mutable_occurred_at());
      in->set_severity(c.severity);
      in->set_expected_resolution(c.expected_resolution);
      in->set_channel(c.channel);
      in->set_journey_stage(c.stage);
      in->set_recorded_by_staff_id(c.recorded_by_staff_id);
      in->set_staff_category(c.category);
      iv1::SubmitComplaintResponse resp;
      if (auto s = stubs_->intake->SubmitComplaint(ctx().get(), req, &resp); !s.ok()) {
        return Failed("SubmitComplaint", s);
      }
      numbers_[c.index] = resp.complaint().number();
      received_[c.index] = time::FromProto(resp.complaint().received_at());
      // Routing starts the acknowledgement hour when it routes: let it route before the clock
      // jumps on, as it would within milliseconds in real time.
      return await("the complaint routed", [&] {
        rv1::GetAssignmentRequest get;
        get.set_number(number);
        rv1::GetAssignmentResponse got;
        return stubs_->routing->GetAssignment(ctx().get(), get, &got).ok() &&
               got.assignment().routed_at().seconds() != 0;
      });
    }
    case StepKind::kAcknowledge: {
      // Routed (perhaps escalated for lateness by now) before the department can acknowledge.
      if (auto s = await(
              "the complaint routed",
              [&] {
                rv1::GetAssignmentRequest req;
                req.set_number(number);
                rv1::GetAssignmentResponse resp;
                if (!stubs_->routing->GetAssignment(ctx().get(), req, &resp).ok()) return false;
                const auto& a = resp.assignment();
                return !a.department_id().empty() &&
                       (a.state() == rv1::ASSIGNMENT_STATE_ROUTED ||
                        (a.state() == rv1::ASSIGNMENT_STATE_WITH_SUPERVISOR && a.escalated()));
              });
          !s.ok()) {
        return s;
      }
      rv1::AcknowledgeAssignmentRequest req;
      req.set_number(number);
      req.set_department_id(c.department_id);
      req.set_owner_staff_id(c.owner_staff_id);
      rv1::AcknowledgeAssignmentResponse resp;
      if (auto s = stubs_->routing->AcknowledgeAssignment(ctx().get(), req, &resp); !s.ok()) {
        return Failed("AcknowledgeAssignment", s);
      }
      // The case opens (and its solution deadline starts) when case-handling hears of it.
      chv1::Case kase;
      return case_in(chv1::CASE_STATE_INVESTIGATING, &kase);
    }
    case StepKind::kPropose: {
      chv1::Case kase;
      if (auto s = case_in(chv1::CASE_STATE_INVESTIGATING, &kase); !s.ok()) return s;
      // A quality complaint needs an inspection report in each cycle before its first solution.
      const bool reported =
          std::any_of(kase.inspection_reports().begin(), kase.inspection_reports().end(),
                      [&](const auto& report) { return report.cycle() == step.cycle; });
      if (c.category == cv1::CATEGORY_PRODUCT_QUALITY && !reported) {
        chv1::AttachInspectionReportRequest req;
        req.set_number(number);
        req.set_inspector_staff_id("S0019");
        req.set_cause("防水层施工不到位，接缝处开裂");
        req.set_severity(c.severity);
        req.set_findings("现场检测含水率超标，局部霉变");
        req.set_recommended_repair("重做防水并修复饰面");
        chv1::AttachInspectionReportResponse resp;
        if (auto s = stubs_->cases->AttachInspectionReport(ctx().get(), req, &resp); !s.ok()) {
          return Failed("AttachInspectionReport", s);
        }
      }
      chv1::ProposeSolutionRequest req;
      req.set_number(number);
      req.set_staff_id(c.owner_staff_id);
      req.set_solution(kase.solutions().empty() ? "上门核实后按规范整改，整改完成后请客户验收"
                                                : "按客户意见调整方案：整改并给予相应补偿");
      req.add_planned_actions("现场核实");
      req.add_planned_actions("整改并验收");
      time::ToProto(step.at + absl::Hours(24 * 30), req.mutable_planned_completion());
      chv1::ProposeSolutionResponse resp;
      if (auto s = stubs_->cases->ProposeSolution(ctx().get(), req, &resp); !s.ok()) {
        return Failed("ProposeSolution", s);
      }
      return absl::OkStatus();
    }
    case StepKind::kReject:
    case StepKind::kAccept: {
      chv1::Case kase;
      if (auto s = case_in(chv1::CASE_STATE_AWAITING_DECISION, &kase); !s.ok()) return s;
      const bool accept = step.kind == StepKind::kAccept;
      chv1::RecordCustomerDecisionRequest req;
      req.set_number(number);
      req.set_revision(kase.revision());
      req.set_decision(accept ? chv1::CUSTOMER_DECISION_ACCEPTED
                              : chv1::CUSTOMER_DECISION_REJECTED);
      if (!accept) req.set_reason("方案只解决了一部分问题，要求补充赔偿");
      req.set_recorded_by_staff_id(c.owner_staff_id);
      chv1::RecordCustomerDecisionResponse resp;
      if (auto s = stubs_->cases->RecordCustomerDecision(ctx().get(), req, &resp); !s.ok()) {
        return Failed("RecordCustomerDecision", s);
      }
      return absl::OkStatus();
    }
    case StepKind::kProgress: {
      chv1::RecordImplementationProgressRequest req;
      req.set_number(number);
      req.set_staff_id(c.owner_staff_id);
      req.set_note("整改施工过半，预计本周内完成");
      chv1::RecordImplementationProgressResponse resp;
      if (auto s = stubs_->cases->RecordImplementationProgress(ctx().get(), req, &resp); !s.ok()) {
        return Failed("RecordImplementationProgress", s);
      }
      return absl::OkStatus();
    }
    case StepKind::kResolve: {
      chv1::Case kase;
      if (auto s = case_in(chv1::CASE_STATE_IMPLEMENTING, &kase); !s.ok()) return s;
      chv1::ResolveCaseRequest req;
      req.set_number(number);
      req.set_staff_id(c.owner_staff_id);
      req.set_result("整改完成，客户现场验收无异议");
      chv1::ResolveCaseResponse resp;
      if (auto s = stubs_->cases->ResolveCase(ctx().get(), req, &resp); !s.ok()) {
        return Failed("ResolveCase", s);
      }
      return await("the callback scheduled", [&] { return callback_scheduled(nullptr); });
    }
    case StepKind::kCallback: {
      fv1::FollowUp f;
      if (auto s = await("the callback scheduled", [&] { return callback_scheduled(&f); }); !s.ok())
        return s;
      fv1::RecordCallbackRequest req;
      req.set_number(number);
      req.set_cycle(step.cycle);
      req.set_callback_agent_staff_id(
          f.callbacks(f.callbacks_size() - 1).assigned_agent_staff_id());
      req.set_method(fv1::CALLBACK_METHOD_PHONE);
      req.set_satisfaction(step.satisfaction);
      req.set_comments(step.satisfaction <= 2 ? "问题没有彻底解决，不满意" : "处理结果认可");
      fv1::RecordCallbackResponse resp;
      if (auto s = stubs_->followup->RecordCallback(ctx().get(), req, &resp); !s.ok()) {
        return Failed("RecordCallback", s);
      }
      if (step.satisfaction > 2) return absl::OkStatus();
      // Unsatisfied: the case reopens, and its new solution deadline starts, when case-handling
      // hears of it.
      return await("the case reopened", [&] {
        chv1::Case kase;
        return get_case(&kase) && kase.cycle() == step.cycle + 1 &&
               kase.state() == chv1::CASE_STATE_INVESTIGATING;
      });
    }
  }
  return absl::InternalError("unknown step");
}

absl::StatusOr<ComplaintRecord> Driver::ReadBack(const PlannedComplaint& planned) {
  ComplaintRecord r;
  r.plan_index = planned.index;
  r.number = numbers_[planned.index];
  r.customer_phone = planned.customer_phone;
  r.channel = planned.channel;
  r.stage = planned.stage;
  r.category = planned.category;
  r.severity = planned.severity;
  r.project = planned.project;
  r.received_at = received_[planned.index];
  r.stop = planned.stop;
  r.ack_sla = planned.ack_sla;
  r.solution_sla = planned.solution_sla;
  r.callback_sla = planned.callback_sla;
  auto ctx = [&] { return client::NewCallContext(options_.call_timeout); };

  {
    iv1::GetComplaintRequest req;
    req.set_number(r.number);
    iv1::GetComplaintResponse resp;
    if (auto s = stubs_->intake->GetComplaint(ctx().get(), req, &resp); !s.ok())
      return Failed("GetComplaint", s);
    r.closed_at = TimeOf(resp.complaint().closed_at());
  }
  {
    rv1::GetAssignmentRequest req;
    req.set_number(r.number);
    rv1::GetAssignmentResponse resp;
    if (auto s = stubs_->routing->GetAssignment(ctx().get(), req, &resp); s.ok()) {
      r.department_id = resp.assignment().department_id();
      r.acknowledged_at = TimeOf(resp.assignment().acknowledged_at());
    } else if (s.error_code() != grpc::StatusCode::NOT_FOUND) {
      return Failed("GetAssignment", s);
    }
  }
  if (planned.stop != Stop::kNotAcknowledged) {
    chv1::GetCaseRequest req;
    req.set_number(r.number);
    chv1::GetCaseResponse resp;
    if (auto s = stubs_->cases->GetCase(ctx().get(), req, &resp); !s.ok())
      return Failed("GetCase", s);
    const chv1::Case& k = resp.case_file();
    for (const auto& solution : k.solutions()) {
      const auto at = TimeOf(solution.proposed_at());
      if (at && (!r.first_solution_at || *at < *r.first_solution_at)) r.first_solution_at = at;
    }
    for (const auto& cycle : k.cycles()) {
      const auto at = TimeOf(cycle.resolved_at());
      if (at && (!r.resolved_at || *at > *r.resolved_at)) r.resolved_at = at;
    }
    r.reopen_count = std::max(0, k.cycle() - 1);
  }
  if (planned.stop == Stop::kAwaitingCallback || planned.stop == Stop::kClosed) {
    fv1::GetFollowUpRequest req;
    req.set_number(r.number);
    fv1::GetFollowUpResponse resp;
    if (auto s = stubs_->followup->GetFollowUp(ctx().get(), req, &resp); !s.ok())
      return Failed("GetFollowUp", s);
    auto callbacks = resp.follow_up().callbacks();
    std::sort(callbacks.begin(), callbacks.end(),
              [](const auto& a, const auto& b) { return a.cycle() < b.cycle(); });
    for (const auto& cb : callbacks) {
      const auto at = TimeOf(cb.recorded_at());
      if (!at) continue;
      r.satisfaction.push_back(cb.satisfaction());
      if (!r.callback_at || *at > *r.callback_at) r.callback_at = at;
    }
  }
  return r;
}

}  // namespace tousu::simulate
