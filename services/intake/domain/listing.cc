#include "services/intake/domain/listing.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/validation/text.h"
#include "services/intake/domain/fingerprint.h"
#include "services/intake/domain/submission.h"
#include "services/intake/domain/timestamps.h"

namespace tousu::intake {
namespace {

constexpr char kTokenVersion[] = "c1";

absl::Status Invalid(const std::string& field, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", what));
}

std::string FilterFingerprint(const ListQuery& q) {
  std::string canonical = "filters/1\n";
  const auto add = [&canonical](const char* name, const std::string& value) {
    absl::StrAppend(&canonical, name, ":", value.size(), ":", value, ";");
  };
  add("phone", q.phone_key ? "=" + *q.phone_key : "");
  add("project", q.project ? "=" + *q.project : "");
  add("status", absl::StrCat(q.status));
  add("channel", absl::StrCat(q.channel));
  const auto instant = [](const std::optional<absl::Time>& t) {
    return t ? absl::FormatTime(absl::RFC3339_full, *t, absl::UTCTimeZone()) : std::string();
  };
  add("from", instant(q.received_from));
  add("to", instant(q.received_to));
  return Sha256Hex(canonical).substr(0, 16);
}

absl::StatusOr<std::optional<absl::Time>> TimeFilter(const std::string& field, bool present,
                                                     const google::protobuf::Timestamp& ts) {
  if (!present) return std::optional<absl::Time>();
  if (!IsValidTimestamp(ts)) return Invalid(field, "not a valid timestamp");
  return std::optional<absl::Time>(FromProto(ts));
}

}  // namespace

absl::StatusOr<ListQuery> ParseListRequest(
    const ::complaints::intake::v1::ListComplaintsRequest& req) {
  ListQuery q;
  if (!req.customer_phone().empty()) {
    if (auto s = validation::CheckPhone("customer_phone", req.customer_phone()); !s.ok()) return s;
    q.phone_key = PhoneKey(req.customer_phone());
  }
  if (!req.project().empty()) {
    if (auto s = validation::CheckText("project", req.project(),
                                       {.required = true, .max_chars = kMaxProjectChars});
        !s.ok()) {
      return s;
    }
    q.project = req.project();
  }
  if (req.status() != 0 && !::complaints::intake::v1::ComplaintStatus_IsValid(req.status())) {
    return Invalid("status", "unknown value");
  }
  q.status = req.status();
  if (req.channel() != 0 && !::complaints::common::v1::Channel_IsValid(req.channel())) {
    return Invalid("channel", "unknown value");
  }
  q.channel = req.channel();
  auto from = TimeFilter("received_from", req.has_received_from(), req.received_from());
  if (!from.ok()) return from.status();
  q.received_from = *from;
  auto to = TimeFilter("received_to", req.has_received_to(), req.received_to());
  if (!to.ok()) return to.status();
  q.received_to = *to;
  if (q.received_from && q.received_to && *q.received_to <= *q.received_from) {
    return Invalid("received_to", "must be after received_from");
  }
  // Bounds beyond what a DATETIME holds must not reach SQL: one before year 1000 (or after 9999)
  // bounds nothing, and one on the far side leaves a range nothing was received in.
  static const absl::Time kFirst =
      absl::FromCivil(absl::CivilSecond(1000, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  static const absl::Time kLast = absl::FromUnixSeconds(kMaxTimestampSeconds);
  if (q.received_from && *q.received_from < kFirst) q.received_from.reset();
  if (q.received_from && *q.received_from > kLast) q.received_from = kLast;
  if (q.received_to && *q.received_to > kLast) q.received_to.reset();
  if (q.received_to && *q.received_to < kFirst) q.received_to = kFirst;

  const int size = req.page().page_size();
  if (size < 0 || size > kMaxPageSize) {
    return Invalid("page.page_size",
                   absl::StrCat("must be 1..", kMaxPageSize, " (0 = ", kDefaultPageSize, ")"));
  }
  q.page_size = size == 0 ? kDefaultPageSize : size;
  q.filter_fingerprint = FilterFingerprint(q);

  if (!req.page().page_token().empty()) {
    std::string decoded;
    uint64_t id = 0;
    std::vector<std::string> parts;
    if (absl::WebSafeBase64Unescape(req.page().page_token(), &decoded)) {
      parts = absl::StrSplit(decoded, '.');
    }
    if (parts.size() != 3 || parts[0] != kTokenVersion || !absl::SimpleAtoi(parts[1], &id) ||
        id == 0) {
      return Invalid("page.page_token", "malformed; pass back next_page_token as it was given");
    }
    if (parts[2] != q.filter_fingerprint) {
      return Invalid("page.page_token", "was issued for other filters; start again without it");
    }
    q.before_id = id;
  }
  return q;
}

std::string EncodePageToken(uint64_t last_id, const std::string& filter_fingerprint) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(kTokenVersion, ".", last_id, ".", filter_fingerprint));
}

}  // namespace tousu::intake
