#pragma once
// ListComplaints: which filters are valid, and the page token.
//
// Pages are keyed on the complaint's row id (newest first = descending id), so a page token only
// needs the last id returned: rows inserted meanwhile get higher ids and never shift later pages.
// The token also carries a fingerprint of the filters, so a token cannot be replayed against
// other filters (that would silently skip rows).

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "complaints/intake/v1/intake.pb.h"

namespace tousu::intake {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 200;

struct ListQuery {
  std::optional<std::string> phone_key;  // PhoneKey of the phone filter
  // Set by the service, never from the request: a customer lists only their own complaints.
  std::optional<std::string> customer_id;
  // Set by the service with customer_id for a customer with a verified phone: their complaints
  // are also those recorded with this phone key (before they had an account).
  std::optional<std::string> owned_phone_key;
  std::optional<std::string> project;
  int status = 0;                           // complaints.intake.v1.ComplaintStatus, 0 = any
  int channel = 0;                          // complaints.common.v1.Channel, 0 = any
  std::optional<absl::Time> received_from;  // inclusive
  std::optional<absl::Time> received_to;    // exclusive
  int page_size = kDefaultPageSize;
  std::optional<uint64_t> before_id;  // continue below this id; none on the first page
  std::string filter_fingerprint;     // what the next page token must carry
};

// INVALID_ARGUMENT naming the field ("customer_phone", "page.page_token", ...) for a bad request.
absl::StatusOr<ListQuery> ParseListRequest(
    const ::complaints::intake::v1::ListComplaintsRequest& request);

// The token for the page after one that ended with row `last_id`.
std::string EncodePageToken(uint64_t last_id, const std::string& filter_fingerprint);

}  // namespace tousu::intake
