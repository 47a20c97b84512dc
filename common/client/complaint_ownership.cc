#include "common/client/complaint_ownership.h"

#include <utility>

#include "common/log/log.h"

namespace tousu::client {

namespace iv1 = complaints::intake::v1;

ChannelOptions ComplaintOwnership::ReadChannelOptions() {
  ChannelOptions options;
  options.idempotent_methods = {"complaints.intake.v1.IntakeService/CheckCustomerOwnsComplaint"};
  return options;
}

ComplaintOwnership::ComplaintOwnership(const std::string& target, absl::Duration timeout,
                                       std::string not_found_message)
    : ComplaintOwnership(iv1::IntakeService::NewStub(MakeChannel(target, ReadChannelOptions())),
                         timeout, std::move(not_found_message)) {}

ComplaintOwnership::ComplaintOwnership(std::unique_ptr<iv1::IntakeService::StubInterface> stub,
                                       absl::Duration timeout, std::string not_found_message)
    : stub_(std::move(stub)), timeout_(timeout), not_found_message_(std::move(not_found_message)) {}

absl::Status ComplaintOwnership::Check(const auth::Caller& caller, const std::string& number,
                                       const grpc::CallbackServerContext* parent) const {
  if (!caller.is_customer()) return absl::OkStatus();
  // A customer token without subject or phone names nobody: nothing is theirs.
  if (caller.subject.empty() && caller.verified_phone.empty()) {
    return absl::NotFoundError(not_found_message_);
  }
  iv1::CheckCustomerOwnsComplaintRequest req;
  req.set_number(number);
  req.set_customer_id(caller.subject);
  req.set_verified_phone(caller.verified_phone);
  iv1::CheckCustomerOwnsComplaintResponse resp;
  auto call = NewCallContext(timeout_, parent);
  const grpc::Status s = stub_->CheckCustomerOwnsComplaint(call.get(), req, &resp);
  if (s.ok()) {
    return resp.owned() ? absl::OkStatus() : absl::NotFoundError(not_found_message_);
  }
  // The caller validated the number's shape already; one intake still refuses names nothing.
  if (s.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
      s.error_code() == grpc::StatusCode::NOT_FOUND) {
    return absl::NotFoundError(not_found_message_);
  }
  log::Warn("intake ownership check failed", {{"code", static_cast<int>(s.error_code())}});
  if (s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return absl::DeadlineExceededError("intake did not answer in time; retry");
  }
  return absl::UnavailableError("complaint ownership cannot be checked now; retry");
}

}  // namespace tousu::client
