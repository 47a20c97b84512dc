#include "common/audit/audit_service.h"

#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/audit/audit.h"
#include "common/db/sql_time.h"
#include "common/db/transaction.h"
#include "common/time/proto_time.h"
#include "common/validation/text.h"

namespace tousu::audit {
namespace {

namespace cv1 = complaints::common::v1;

constexpr char kTokenVersion[] = "a1";

absl::Status Invalid(const std::string& field, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", what));
}

// The filters a token was issued for, so a token cannot be replayed against other filters
// (that would silently skip entries). FNV-1a 64: tamper-evidence is not the point, mix-ups are.
std::string FilterFingerprint(const TrailQuery& q) {
  const auto instant = [](const std::optional<absl::Time>& t) {
    return t ? absl::FormatTime(absl::RFC3339_full, *t, absl::UTCTimeZone()) : std::string("-");
  };
  const std::string canonical = absl::StrCat("trail/1\n", q.subject.size(), ":", q.subject, ";",
                                             instant(q.since), ";", instant(q.until));
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : canonical) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return absl::StrFormat("%016x", h);
}

absl::StatusOr<std::optional<absl::Time>> TimeFilter(const std::string& field, bool present,
                                                     const google::protobuf::Timestamp& ts) {
  if (!present) return std::optional<absl::Time>();
  if (!time::IsValidTimestamp(ts)) return Invalid(field, "not a valid timestamp");
  const absl::Time t = time::FromProto(ts);
  if (!time::IsStorable(t)) return Invalid(field, "must be between the years 1000 and 9999");
  return std::optional<absl::Time>(t);
}

}  // namespace

absl::StatusOr<TrailQuery> ParseTrailRequest(const cv1::GetAuditTrailRequest& req) {
  TrailQuery q;
  if (auto s = validation::CheckIdentifier("subject", req.subject(), kMaxSubject); !s.ok()) {
    return s;
  }
  q.subject = req.subject();
  auto since = TimeFilter("since", req.has_since(), req.since());
  if (!since.ok()) return since.status();
  q.since = *since;
  auto until = TimeFilter("until", req.has_until(), req.until());
  if (!until.ok()) return until.status();
  q.until = *until;
  if (q.since && q.until && *q.until <= *q.since) return Invalid("until", "must be after since");

  const int size = req.page().page_size();
  if (size < 0 || size > kMaxTrailPageSize) {
    return Invalid("page.page_size", absl::StrCat("must be 0..", kMaxTrailPageSize));
  }
  q.page_size = size == 0 ? kDefaultTrailPageSize : size;
  q.filter_fingerprint = FilterFingerprint(q);

  if (const std::string& token = req.page().page_token(); !token.empty()) {
    std::string raw;
    const auto bad = [] { return Invalid("page.page_token", "not a token of this trail"); };
    if (token.size() > 128 || !absl::WebSafeBase64Unescape(token, &raw)) return bad();
    std::vector<std::string> parts = absl::StrSplit(raw, '.');
    uint64_t after = 0;
    if (parts.size() != 3 || parts[0] != kTokenVersion || !absl::SimpleAtoi(parts[1], &after) ||
        after == 0) {
      return bad();
    }
    if (parts[2] != q.filter_fingerprint) {
      return Invalid("page.page_token", "was issued for another subject, since or until");
    }
    q.after_id = after;
  }
  return q;
}

std::string EncodeTrailPageToken(uint64_t last_id, const std::string& filter_fingerprint) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(kTokenVersion, ".", last_id, ".", filter_fingerprint));
}

absl::Status AuditTrailService::Get(const cv1::GetAuditTrailRequest& request,
                                    cv1::GetAuditTrailResponse* response) {
  auto query = ParseTrailRequest(request);
  if (!query.ok()) return query.status();
  // Absent bounds become the widest DATETIME values, so the statement has one shape.
  const std::string since =
      query->since ? db::ToSqlDateTime(*query->since) : "1000-01-01 00:00:00.000000";
  const std::string until =
      query->until ? db::ToSqlDateTime(*query->until) : "9999-12-31 23:59:59.999999";
  return db::RunInTransaction(pool_, [&](db::Transaction& tx) -> absl::Status {
    response->Clear();
    // One more than a page: whether another page follows without a second query.
    auto& select = tx.Prepare(
        "SELECT id, occurred_at, actor, action, subject, from_state, to_state, detail, request_id"
        " FROM audit_trail WHERE subject = ? AND id > ? AND occurred_at >= ? AND occurred_at < ?"
        " ORDER BY id LIMIT ?");
    select.setString(1, query->subject);
    select.setUInt64(2, query->after_id);
    select.setDateTime(3, since);
    select.setDateTime(4, until);
    select.setInt(5, query->page_size + 1);
    std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
    uint64_t last_id = 0;
    int n = 0;
    while (rows->next()) {
      if (++n > query->page_size) {
        response->mutable_page()->set_next_page_token(
            EncodeTrailPageToken(last_id, query->filter_fingerprint));
        break;
      }
      cv1::AuditEntry* e = response->add_entries();
      last_id = rows->getUInt64("id");
      e->set_id(last_id);
      time::ToProto(db::FromSqlDateTime(rows->getString("occurred_at")), e->mutable_occurred_at());
      e->set_actor(rows->getString("actor"));
      e->set_action(rows->getString("action"));
      e->set_subject(rows->getString("subject"));
      e->set_from_state(rows->getString("from_state"));
      e->set_to_state(rows->getString("to_state"));
      e->set_detail(rows->getString("detail"));
      e->set_request_id(rows->getString("request_id"));
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AuditTrailService::GetAuditTrail(grpc::CallbackServerContext* ctx,
                                                           const cv1::GetAuditTrailRequest* request,
                                                           cv1::GetAuditTrailResponse* response) {
  // Supervisors and managers only: enforced by the access table of the authentication layer
  // (common/auth), which runs before this handler; the trail reveals who did what, not personal
  // data, so nothing here narrows it further.
  return server::RunUnary(ctx, executor_,
                          [this, request, response] { return Get(*request, response); });
}

}  // namespace tousu::audit
