#pragma once
// Whether a signed-in customer may act on a complaint, asked of intake (the owner of the
// complaint record) by the services customers call directly: case-handling (their decision on a
// solution) and follow-up (their callback questionnaire). Intake's rule: the complaint was
// recorded for the customer's account or with their verified phone number.
//
// Only customers are asked about: staff, services and Unrestricted callers (authentication off)
// pass without a call, as their own per-record rules apply. A complaint that is not the
// customer's is NOT_FOUND with the calling service's own words for a missing record, so nothing
// tells it from one that does not exist. Intake failing is DEADLINE_EXCEEDED or UNAVAILABLE
// (logged with its code): never "not found", never "allowed".

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/auth/caller.h"
#include "common/client/channel.h"
#include "complaints/intake/v1/intake.grpc.pb.h"

namespace tousu::client {

class ComplaintOwnership {
 public:
  // IntakeService/CheckCustomerOwnsComplaint is a read, safe to retry.
  static ChannelOptions ReadChannelOptions();

  // Asks intake at `target` (see MakeChannel), each call within `timeout`; `not_found_message` is
  // what the calling service answers for a record it does not have.
  ComplaintOwnership(const std::string& target, absl::Duration timeout,
                     std::string not_found_message);
  // Over an existing stub (tests).
  ComplaintOwnership(std::unique_ptr<complaints::intake::v1::IntakeService::StubInterface> stub,
                     absl::Duration timeout, std::string not_found_message);

  // OK when `caller` may act on complaint `number` (see above); NOT_FOUND with
  // not_found_message when it is a customer's and not theirs. `parent`: the call being served
  // (its deadline and request id pass on).
  absl::Status Check(const auth::Caller& caller, const std::string& number,
                     const grpc::CallbackServerContext* parent = nullptr) const;

 private:
  std::unique_ptr<complaints::intake::v1::IntakeService::StubInterface> stub_;
  absl::Duration timeout_;
  std::string not_found_message_;
};

}  // namespace tousu::client
