#include "services/intake/domain/submitter.h"

namespace tousu::intake {

absl::StatusOr<const ::complaints::intake::v1::ComplaintInput*> InputToRecord(
    const auth::Caller& caller, const ::complaints::intake::v1::ComplaintInput& submitted,
    ::complaints::intake::v1::ComplaintInput* owned) {
  if (caller.is_customer()) {
    if (!submitted.customer_id().empty() && submitted.customer_id() != caller.subject) {
      return absl::PermissionDeniedError(
          "complaint.customer_id: a customer submits only for their own account");
    }
    if (!submitted.recorded_by_staff_id().empty()) {
      return absl::PermissionDeniedError(
          "complaint.recorded_by_staff_id: only staff record complaints for customers");
    }
    if (submitted.customer_id().empty()) {
      *owned = submitted;
      owned->set_customer_id(caller.subject);
      return owned;
    }
  } else if (caller.is_staff() && !submitted.recorded_by_staff_id().empty() &&
             submitted.recorded_by_staff_id() != caller.subject) {
    return absl::PermissionDeniedError(
        "complaint.recorded_by_staff_id: must be the caller's own staff id");
  }
  return &submitted;
}

}  // namespace tousu::intake
