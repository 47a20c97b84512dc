#pragma once
// Which notices an event causes, and the variables the event itself supplies. Names, addresses
// and links are added when the notice is planned (they come from intake and the staff directory).

#include <string>
#include <vector>

#include "complaints/common/v1/events.pb.h"
#include "services/notification/domain/templates.h"

namespace tousu::notification {

// Who a notice is for, resolved when it is planned:
//   "customer"               the complaint's customer (intake)
//   "staff:<id>"             that staff member
//   "supervisor:<dept id>"   the department's supervisor
//   "lead_of:<staff id>"     the supervisor of that person's department (the callback team lead)
//   "office_manager"         the complaint office manager: the supervisor of the complaint office
//                            (COMPLAINT_OFFICE_DEPARTMENT)
//   "management"             the management distribution list (configuration)
struct NoticeRequest {
  std::string kind;
  std::string recipient;
  Variables variables;
};

inline constexpr char kCustomerRecipient[] = "customer";
inline constexpr char kManagementRecipient[] = "management";
inline constexpr char kOfficeManagerRecipient[] = "office_manager";

// Why a complaint is in the supervisor queue (ComplaintSentToSupervisor.reason), for people.
std::string QueueReasonText(const std::string& reason);

// The event types with notices (what the service subscribes to).
const std::vector<std::string>& NotifyingEventTypes();

// The notices of `event` (empty for an event that causes none, such as a later cycle's
// CaseOpened, which CaseReopened already announced).
std::vector<NoticeRequest> NoticesFor(const complaints::common::v1::Event& event);

}  // namespace tousu::notification
