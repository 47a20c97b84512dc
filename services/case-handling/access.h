#pragma once
// Who may call each RPC of the case-handling service (roles as tokens name them,
// common/auth/caller.h). Rules about which record a caller may touch (own complaints, own
// department) live with the handlers; this table only decides who may call at all.

#include "common/auth/access.h"

namespace tousu::casehandling {

auth::AccessTable CaseHandlingAccessTable();

}  // namespace tousu::casehandling
