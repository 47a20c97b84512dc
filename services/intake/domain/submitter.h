#pragma once
// Whose complaint a submission is: a customer's token names their account, and a member of staff
// records complaints under their own id only (docs/security.md). Pure: the caller is the one the
// server verified (common/auth/caller.h).

#include "absl/status/statusor.h"
#include "common/auth/caller.h"
#include "complaints/intake/v1/intake.pb.h"

namespace tousu::intake {

// The input to record for `caller`: `submitted` itself, or `*owned` (a copy of it with the
// customer's own account filled in). PERMISSION_DENIED naming the field when the caller may not
// submit it: a customer for another account or as staff, a member of staff under another id.
absl::StatusOr<const ::complaints::intake::v1::ComplaintInput*> InputToRecord(
    const auth::Caller& caller, const ::complaints::intake::v1::ComplaintInput& submitted,
    ::complaints::intake::v1::ComplaintInput* owned);

}  // namespace tousu::intake
