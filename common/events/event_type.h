#pragma once
// An event's type is the name of its payload message: casehandling.v1.CaseOpened travels as
// "CaseOpened". Producers (Outbox::Append) and consumers (EventSinkService::On<Message>) both take
// it from the message's descriptor, so no type name is spelt by hand; deploy/subscriptions.txt
// lists the same names (tests/integration/subscriptions_it.cc checks them).

#include <string>

namespace tousu::events {

template <typename Message>
const std::string& EventTypeOf() {
  return Message::descriptor()->name();
}

// The two events whose payload is a resource record rather than a message of their own name: the
// staff directory's changes (payloads complaints.staff.v1.Department and Staff). Producers use
// Outbox::AppendAs, consumers EventSinkService::OnAs.
inline constexpr char kDepartmentUpserted[] = "DepartmentUpserted";
inline constexpr char kStaffUpserted[] = "StaffUpserted";

}  // namespace tousu::events
