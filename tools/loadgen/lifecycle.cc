#include "tools/loadgen/lifecycle.h"

#include <chrono>
#include <functional>
#include <iterator>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/client/outgoing_token.h"
#include "common/time/proto_time.h"
#include "tools/loadgen/stats.h"
#include "tools/loadgen/submissions.h"

namespace tousu::loadgen {

namespace iv1 = complaints::intake::v1;
namespace rv1 = complaints::routing::v1;
namespace chv1 = complaints::casehandling::v1;
namespace fv1 = complaints::followup::v1;
using SteadyClock = std::chrono::steady_clock;

std::string RunLifecycle(const LifecycleStubs& stubs, const std::string& request_id, int64_t index,
                         double deadline_s) {
  auto ctx = [&] {
    auto c = std::make_unique<grpc::ClientContext>();
    c->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::microseconds(static_cast<int64_t>(deadline_s * 1e6)));
    client::AddOutgoingToken(c.get());
    return c;
  };
  auto fail = [](const char* step, const grpc::Status& s) {
    return absl::StrCat(step, ":", StatusCodeName(s.error_code()));
  };
  // Polls `ready` every 10 ms for up to 30 s.
  auto await = [](const std::function<bool()>& ready) {
    const auto until = SteadyClock::now() + std::chrono::seconds(30);
    while (!ready()) {
      if (SteadyClock::now() > until) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
  };
  const Department& dept = kDepartments[index % std::size(kDepartments)];
  iv1::SubmitComplaintResponse submitted;
  if (auto s =
          stubs.intake->SubmitComplaint(ctx().get(), NewSubmission(request_id, index), &submitted);
      !s.ok()) {
    return fail("submit", s);
  }
  const std::string number = submitted.complaint().number();
  if (!await([&] {
        rv1::GetAssignmentRequest req;
        req.set_number(number);
        rv1::GetAssignmentResponse resp;
        return stubs.routing->GetAssignment(ctx().get(), req, &resp).ok() &&
               resp.assignment().state() == rv1::ASSIGNMENT_STATE_ROUTED;
      })) {
    return "routed:TIMEOUT";
  }
  {
    rv1::AcknowledgeAssignmentRequest req;
    req.set_number(number);
    req.set_department_id(dept.id);
    req.set_owner_staff_id(dept.owner);
    rv1::AcknowledgeAssignmentResponse resp;
    if (auto s = stubs.routing->AcknowledgeAssignment(ctx().get(), req, &resp); !s.ok())
      return fail("acknowledge", s);
  }
  auto case_in = [&](chv1::CaseState state, chv1::Case* out) {
    return await([&] {
      chv1::GetCaseRequest req;
      req.set_number(number);
      chv1::GetCaseResponse resp;
      if (!stubs.cases->GetCase(ctx().get(), req, &resp).ok()) return false;
      *out = resp.case_file();
      return out->state() == state;
    });
  };
  chv1::Case kase;
  if (!case_in(chv1::CASE_STATE_INVESTIGATING, &kase)) return "case_opened:TIMEOUT";
  {
    chv1::ProposeSolutionRequest req;
    req.set_number(number);
    req.set_staff_id(dept.owner);
    req.set_solution("安排维保单位全面检修，检修完成后请客户验收");
    req.add_planned_actions("现场核实");
    req.add_planned_actions("检修并验收");
    time::ToProto(absl::Now() + absl::Hours(24 * 30), req.mutable_planned_completion());
    chv1::ProposeSolutionResponse resp;
    if (auto s = stubs.cases->ProposeSolution(ctx().get(), req, &resp); !s.ok())
      return fail("propose", s);
  }
  if (!case_in(chv1::CASE_STATE_AWAITING_DECISION, &kase)) return "proposed:TIMEOUT";
  {
    chv1::RecordCustomerDecisionRequest req;
    req.set_number(number);
    req.set_revision(kase.revision());
    req.set_decision(chv1::CUSTOMER_DECISION_ACCEPTED);
    req.set_recorded_by_staff_id(dept.owner);
    chv1::RecordCustomerDecisionResponse resp;
    if (auto s = stubs.cases->RecordCustomerDecision(ctx().get(), req, &resp); !s.ok())
      return fail("decide", s);
  }
  if (!case_in(chv1::CASE_STATE_IMPLEMENTING, &kase)) return "accepted:TIMEOUT";
  {
    chv1::ResolveCaseRequest req;
    req.set_number(number);
    req.set_staff_id(dept.owner);
    req.set_result("电梯已全面检修，客户现场确认运行正常");
    chv1::ResolveCaseResponse resp;
    if (auto s = stubs.cases->ResolveCase(ctx().get(), req, &resp); !s.ok())
      return fail("resolve", s);
  }
  fv1::FollowUp f;
  if (!await([&] {
        fv1::GetFollowUpRequest req;
        req.set_number(number);
        fv1::GetFollowUpResponse resp;
        if (!stubs.followup->GetFollowUp(ctx().get(), req, &resp).ok()) return false;
        f = resp.follow_up();
        return f.state() == fv1::FOLLOW_UP_STATE_AWAITING_CALLBACK && !f.callbacks().empty();
      })) {
    return "callback_scheduled:TIMEOUT";
  }
  {
    fv1::RecordCallbackRequest req;
    req.set_number(number);
    req.set_cycle(f.callbacks(f.callbacks_size() - 1).cycle());
    req.set_callback_agent_staff_id(f.callbacks(f.callbacks_size() - 1).assigned_agent_staff_id());
    req.set_method(fv1::CALLBACK_METHOD_PHONE);
    req.set_satisfaction(5);
    req.set_comments("处理及时，满意");
    fv1::RecordCallbackResponse resp;
    if (auto s = stubs.followup->RecordCallback(ctx().get(), req, &resp); !s.ok())
      return fail("callback", s);
  }
  if (!await([&] {
        iv1::GetComplaintRequest req;
        req.set_number(number);
        iv1::GetComplaintResponse resp;
        return stubs.intake->GetComplaint(ctx().get(), req, &resp).ok() &&
               resp.complaint().status() == iv1::COMPLAINT_STATUS_CLOSED;
      })) {
    return "closed:TIMEOUT";
  }
  return "";
}

}  // namespace tousu::loadgen
