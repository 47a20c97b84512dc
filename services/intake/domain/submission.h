#pragma once
// What a valid submission looks like (§4.2). Pure: `now` comes from the caller's clock.
//
// Every rejection is INVALID_ARGUMENT with a message starting with the field's path, e.g.
// "complaint.customer_phone: not a valid mainland mobile or landline number"; FieldOf() recovers
// the path (for the validation-failure metric).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "complaints/intake/v1/intake.pb.h"

namespace tousu::intake {

namespace iv1 = ::complaints::intake::v1;
namespace cv1 = ::complaints::common::v1;

// Limits in characters (Unicode code points), not bytes.
inline constexpr size_t kMaxNameChars = 50;
inline constexpr size_t kMaxProjectChars = 100;
inline constexpr size_t kMaxBuildingChars = 50;
inline constexpr size_t kMaxUnitChars = 50;
inline constexpr size_t kMinDescriptionChars = 5;
inline constexpr size_t kMaxDescriptionChars = 2000;
inline constexpr size_t kMaxExpectedResolutionChars = 1000;
inline constexpr size_t kMaxRequestIdLength = 64;
inline constexpr size_t kMaxStaffIdLength = 32;

// Clocks of phones and PCs run a little ahead; an occurred_at this far past `now` is accepted.
inline constexpr absl::Duration kAllowedClockSkew = absl::Minutes(5);
// Older than this is a typo (a wrong year), not a complaint anyone can still investigate.
inline constexpr absl::Duration kMaxAge = absl::Hours(24 * 3653);  // ten years

// request_id: 1-64 characters of [A-Za-z0-9._:-].
absl::Status CheckRequestId(std::string_view field, std::string_view id);
// Staff ids as the staff directory issues them: 1-32 of [A-Z0-9-], first a letter or digit,
// last not '-'.
absl::Status CheckStaffId(std::string_view field, std::string_view id);

// The whole request, fields in a fixed order; the first invalid one is reported.
absl::Status ValidateSubmission(const iv1::SubmitComplaintRequest& request, absl::Time now);

// The field path a validation message starts with ("complaint.description"), or "" if none.
std::string FieldOf(const absl::Status& status);

// Label values for metrics and log lines, from the enums' own value names: CHANNEL_WALK_IN is
// "walk_in", CATEGORY_PRODUCT_QUALITY "product_quality". A complaint staff did not classify
// (CATEGORY_UNSPECIFIED, or a value this build does not know) is kUnclassifiedLabel; a channel
// this build does not know is "unknown".
inline constexpr char kUnclassifiedLabel[] = "unclassified";
std::string ChannelLabel(cv1::Channel channel);
std::string CategoryLabel(cv1::Category category);
// Every label ChannelLabel gives a valid channel, and every label CategoryLabel gives (metric
// series are created for each at start-up).
const std::vector<std::string>& ChannelLabels();
const std::vector<std::string>& CategoryLabels();

}  // namespace tousu::intake
