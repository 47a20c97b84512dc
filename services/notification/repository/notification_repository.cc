#include "services/notification/repository/notification_repository.h"

#include <cppconn/resultset.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <memory>

#include "common/db/sql_time.h"
#include "common/db/sql_values.h"

namespace tousu::notification {

using db::FromSqlDateTime;
using db::ToSqlDateTime;

namespace {

std::string VariablesToJson(const Variables& vars) {
  google::protobuf::Struct s;
  for (const auto& [k, v] : vars) (*s.mutable_fields())[k].set_string_value(v);
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(s, &out);
  return out;
}

Variables VariablesFromJson(const std::string& json) {
  google::protobuf::Struct s;
  Variables vars;
  if (!google::protobuf::util::JsonStringToMessage(json, &s).ok()) return vars;
  for (const auto& [k, v] : s.fields()) vars[k] = v.string_value();
  return vars;
}

// Pairs keep their order (the provider's TemplateParam follows the template's text).
std::string PairsToJson(const std::vector<std::pair<std::string, std::string>>& pairs) {
  google::protobuf::ListValue list;
  for (const auto& [k, v] : pairs) {
    auto* pair = list.add_values()->mutable_list_value();
    pair->add_values()->set_string_value(k);
    pair->add_values()->set_string_value(v);
  }
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(list, &out);
  return out;
}

std::vector<std::pair<std::string, std::string>> PairsFromJson(const std::string& json) {
  google::protobuf::ListValue list;
  std::vector<std::pair<std::string, std::string>> out;
  if (!google::protobuf::util::JsonStringToMessage(json, &list).ok()) return out;
  for (const auto& v : list.values()) {
    const auto& pair = v.list_value();
    if (pair.values_size() == 2) {
      out.emplace_back(pair.values(0).string_value(), pair.values(1).string_value());
    }
  }
  return out;
}

constexpr char kDeliveryColumns[] =
    "d.id, d.notice_id, n.number, n.kind, n.recipient, d.channel, d.state, d.suppressed_reason, "
    "d.address, d.recipient_name, d.subject, d.body, d.provider_template, d.provider_params, "
    "d.essential, d.attempts, d.next_attempt_at, d.created_at, d.sent_at, d.last_error, "
    "d.provider_id, d.receipt, d.settled_attempts";

DeliveryRow ReadDelivery(sql::ResultSet& rs) {
  DeliveryRow d;
  d.id = rs.getInt64(1);
  d.notice_id = rs.getInt64(2);
  d.number = rs.getString(3);
  d.kind = rs.getString(4);
  d.recipient = rs.getString(5);
  d.channel = rs.getString(6);
  d.state = rs.getString(7);
  d.suppressed_reason = rs.getString(8);
  d.address = rs.getString(9);
  d.recipient_name = rs.getString(10);
  d.subject = rs.getString(11);
  d.body = rs.getString(12);
  d.provider_template = rs.getString(13);
  d.provider_params = PairsFromJson(rs.getString(14));
  d.essential = rs.getInt(15) != 0;
  d.attempts = rs.getInt(16);
  d.next_attempt_at = FromSqlDateTime(rs.getString(17));
  d.created_at = FromSqlDateTime(rs.getString(18));
  d.sent_at = db::OptionalTime(rs, 19);
  d.last_error = rs.getString(20);
  d.provider_id = rs.getString(21);
  d.receipt = rs.getString(22);
  d.settled_attempts = rs.getInt(23);
  return d;
}

std::vector<DeliveryRow> ReadDeliveries(sql::PreparedStatement& ps) {
  std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
  std::vector<DeliveryRow> out;
  while (rs->next()) out.push_back(ReadDelivery(*rs));
  return out;
}

NoticeRow ReadNotice(sql::ResultSet& rs) {
  NoticeRow n;
  n.id = rs.getInt64(1);
  n.event_id = rs.getString(2);
  n.number = rs.getString(3);
  n.kind = rs.getString(4);
  n.recipient = rs.getString(5);
  n.variables = VariablesFromJson(rs.getString(6));
  n.created_at = FromSqlDateTime(rs.getString(7));
  n.planned = !rs.isNull(8);
  return n;
}

constexpr char kNoticeColumns[] =
    "id, event_id, number, kind, recipient, variables, created_at, planned_at";

}  // namespace

bool InsertNotice(db::Transaction& tx, const NoticeRow& notice) {
  auto& ps = tx.Prepare(
      "INSERT IGNORE INTO notices (event_id, number, kind, recipient, variables, created_at, "
      "next_plan_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  ps.setString(1, notice.event_id);
  ps.setString(2, notice.number);
  ps.setString(3, notice.kind);
  ps.setString(4, notice.recipient);
  ps.setString(5, VariablesToJson(notice.variables));
  ps.setDateTime(6, ToSqlDateTime(notice.created_at));
  ps.setDateTime(7, ToSqlDateTime(notice.created_at));
  return ps.executeUpdate() == 1;
}

std::vector<NoticeRow> UnplannedNotices(db::Transaction& tx, absl::Time now, int limit) {
  auto& ps = tx.Prepare(std::string("SELECT ") + kNoticeColumns +
                        " FROM notices WHERE planned_at IS NULL AND next_plan_at <= ? "
                        "ORDER BY next_plan_at, id LIMIT ?");
  ps.setDateTime(1, ToSqlDateTime(now));
  ps.setInt(2, limit);
  std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
  std::vector<NoticeRow> out;
  while (rs->next()) out.push_back(ReadNotice(*rs));
  return out;
}

int DeferPlanning(db::Transaction& tx, int64_t id, absl::Time now) {
  auto& read = tx.Prepare("SELECT plan_attempts FROM notices WHERE id = ? FOR UPDATE");
  read.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(read.executeQuery());
  const int attempts = rs->next() ? rs->getInt(1) + 1 : 1;
  // 1 s doubling, at most 5 minutes apart.
  const absl::Duration wait = absl::Seconds(std::min(300, 1 << std::min(attempts - 1, 9)));
  auto& ps = tx.Prepare("UPDATE notices SET plan_attempts = ?, next_plan_at = ? WHERE id = ?");
  ps.setInt(1, attempts);
  ps.setDateTime(2, ToSqlDateTime(now + wait));
  ps.setInt64(3, id);
  ps.executeUpdate();
  return attempts;
}

int64_t CountUnplanned(db::Transaction& tx) {
  auto& ps = tx.Prepare("SELECT COUNT(*) FROM notices WHERE planned_at IS NULL");
  std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

std::optional<NoticeRow> LockNotice(db::Transaction& tx, int64_t id) {
  auto& ps =
      tx.Prepare(std::string("SELECT ") + kNoticeColumns + " FROM notices WHERE id = ? FOR UPDATE");
  ps.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
  if (!rs->next()) return std::nullopt;
  return ReadNotice(*rs);
}

void MarkPlanned(db::Transaction& tx, int64_t id, absl::Time at, const std::string& customer_id,
                 const std::string& phone_key) {
  auto& ps = tx.Prepare(
      "UPDATE notices SET planned_at = ?, customer_id = NULLIF(?, ''), phone_key = NULLIF(?, '') "
      "WHERE id = ?");
  ps.setDateTime(1, ToSqlDateTime(at));
  ps.setString(2, customer_id);
  ps.setString(3, phone_key);
  ps.setInt64(4, id);
  ps.executeUpdate();
}

bool InsertDelivery(db::Transaction& tx, const DeliveryRow& d) {
  auto& ps = tx.Prepare(
      "INSERT IGNORE INTO deliveries (notice_id, channel, state, suppressed_reason, address, "
      "recipient_name, subject, body, provider_template, provider_params, essential, attempts, "
      "next_attempt_at, created_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)");
  ps.setInt64(1, d.notice_id);
  ps.setString(2, d.channel);
  ps.setString(3, d.state);
  ps.setString(4, d.suppressed_reason);
  ps.setString(5, d.address);
  ps.setString(6, d.recipient_name);
  ps.setString(7, d.subject);
  ps.setString(8, d.body);
  ps.setString(9, d.provider_template);
  ps.setString(10, PairsToJson(d.provider_params));
  ps.setInt(11, d.essential ? 1 : 0);
  ps.setDateTime(12, ToSqlDateTime(d.next_attempt_at));
  ps.setDateTime(13, ToSqlDateTime(d.created_at));
  if (d.sent_at) {
    ps.setDateTime(14, ToSqlDateTime(*d.sent_at));
  } else {
    ps.setNull(14, 0);
  }
  return ps.executeUpdate() == 1;
}

int CountNonEssentialSince(db::Transaction& tx, const std::string& phone_key, absl::Time since) {
  auto& ps = tx.Prepare(
      "SELECT COUNT(*) FROM deliveries d JOIN notices n ON n.id = d.notice_id "
      "WHERE n.phone_key = ? AND d.created_at >= ? AND d.essential = 0 "
      "AND d.channel IN ('sms', 'email') AND d.state <> 'suppressed'");
  ps.setString(1, phone_key);
  ps.setDateTime(2, ToSqlDateTime(since));
  std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
  return rs->next() ? rs->getInt(1) : 0;
}

std::vector<DeliveryRow> ClaimDue(db::Transaction& tx, const std::string& channel, absl::Time now,
                                  absl::Duration lease, int limit) {
  // Lock delivery rows only (MariaDB has no FOR UPDATE OF): ids first, then the joined rows.
  auto& pick = tx.Prepare(
      "SELECT id, next_attempt_at FROM deliveries "
      "WHERE channel = ? AND state = 'pending' AND next_attempt_at <= ? "
      "ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED");
  pick.setString(1, channel);
  pick.setDateTime(2, ToSqlDateTime(now));
  pick.setInt(3, limit);
  std::vector<std::pair<int64_t, absl::Time>> picked;  // id, when it fell due
  {
    std::unique_ptr<sql::ResultSet> rs(pick.executeQuery());
    while (rs->next()) picked.emplace_back(rs->getInt64(1), FromSqlDateTime(rs->getString(2)));
  }
  auto& claim =
      tx.Prepare("UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?");
  auto& read = tx.Prepare(std::string("SELECT ") + kDeliveryColumns +
                          " FROM deliveries d JOIN notices n ON n.id = d.notice_id WHERE d.id = ?");
  std::vector<DeliveryRow> rows;
  for (const auto& [id, due_at] : picked) {
    claim.setDateTime(1, ToSqlDateTime(now + lease));
    claim.setInt64(2, id);
    claim.executeUpdate();
    read.setInt64(1, id);
    auto one = ReadDeliveries(read);
    if (one.empty()) continue;
    one.front().fell_due_at = due_at;
    rows.push_back(std::move(one.front()));
  }
  return rows;
}

std::optional<DeliveryRow> LockDelivery(db::Transaction& tx, int64_t id) {
  auto& ps = tx.Prepare(std::string("SELECT ") + kDeliveryColumns +
                        " FROM deliveries d JOIN notices n ON n.id = d.notice_id "
                        "WHERE d.id = ? FOR UPDATE");  // locks the notice too: both are read
  ps.setInt64(1, id);
  auto rows = ReadDeliveries(ps);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

void MarkSent(db::Transaction& tx, int64_t id, absl::Time at, const std::string& provider_id) {
  auto& ps = tx.Prepare(
      "UPDATE deliveries SET state = 'sent', sent_at = ?, provider_id = ?, last_error = '', "
      "settled_attempts = attempts WHERE id = ?");
  ps.setDateTime(1, ToSqlDateTime(at));
  ps.setString(2, provider_id);
  ps.setInt64(3, id);
  ps.executeUpdate();
}

void MarkRetry(db::Transaction& tx, int64_t id, absl::Time next, const std::string& error) {
  auto& ps = tx.Prepare(
      "UPDATE deliveries SET next_attempt_at = ?, last_error = ?, settled_attempts = attempts "
      "WHERE id = ?");
  ps.setDateTime(1, ToSqlDateTime(next));
  ps.setString(2, error.substr(0, 200));
  ps.setInt64(3, id);
  ps.executeUpdate();
}

void MarkDead(db::Transaction& tx, int64_t id, const std::string& error) {
  auto& ps = tx.Prepare(
      "UPDATE deliveries SET state = 'dead', last_error = ?, settled_attempts = attempts "
      "WHERE id = ?");
  ps.setString(1, error.substr(0, 200));
  ps.setInt64(2, id);
  ps.executeUpdate();
}

void ResetForRetry(db::Transaction& tx, int64_t id, absl::Time now) {
  auto& ps = tx.Prepare(
      "UPDATE deliveries SET state = 'pending', attempts = 0, settled_attempts = 0, "
      "next_attempt_at = ? WHERE id = ?");
  ps.setDateTime(1, ToSqlDateTime(now));
  ps.setInt64(2, id);
  ps.executeUpdate();
}

void RecordReceipt(db::Transaction& tx, int64_t id, const std::string& receipt, absl::Time at) {
  auto& ps = tx.Prepare(
      "UPDATE deliveries SET receipt = ?, receipt_at = ?, "
      "state = IF(? = 'delivered', 'delivered', state) WHERE id = ?");
  ps.setString(1, receipt);
  ps.setDateTime(2, ToSqlDateTime(at));
  ps.setString(3, receipt);
  ps.setInt64(4, id);
  ps.executeUpdate();
}

std::vector<DeliveryRow> AwaitingReceipt(db::Transaction& tx, absl::Time since, int limit) {
  auto& ps = tx.Prepare(
      std::string("SELECT ") + kDeliveryColumns +
      " FROM deliveries d JOIN notices n ON n.id = d.notice_id "
      "WHERE d.channel = 'sms' AND d.state = 'sent' AND d.receipt = '' AND d.provider_id <> '' "
      "AND d.sent_at >= ? ORDER BY d.sent_at LIMIT ?");
  ps.setDateTime(1, ToSqlDateTime(since));
  ps.setInt(2, limit);
  return ReadDeliveries(ps);
}

std::vector<DeliveryRow> DeliveriesInState(db::Transaction& tx, const std::string& state,
                                           int limit) {
  auto& ps = tx.Prepare(std::string("SELECT ") + kDeliveryColumns +
                        " FROM deliveries d JOIN notices n ON n.id = d.notice_id "
                        "WHERE d.state = ? ORDER BY d.id LIMIT ?");
  ps.setString(1, state);
  ps.setInt(2, limit);
  return ReadDeliveries(ps);
}

std::vector<PendingStats> PendingByChannel(db::Transaction& tx, absl::Time now) {
  // The oldest counts only once it is due or was tried: a message held for the quiet hours is
  // not late.
  auto& ps = tx.Prepare(
      "SELECT channel, COUNT(*), MIN(IF(attempts > 0 OR next_attempt_at <= ?, created_at, NULL)) "
      "FROM deliveries WHERE state = 'pending' GROUP BY channel");
  ps.setDateTime(1, ToSqlDateTime(now));
  std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
  std::vector<PendingStats> out;
  while (rs->next()) {
    out.push_back({rs->getString(1), rs->getInt64(2), db::OptionalTime(*rs, 3)});
  }
  return out;
}

std::vector<InAppNotice> CustomerNotices(db::Transaction& tx, const std::string& customer_id,
                                         const std::string& phone_key, int64_t before_id,
                                         int limit) {
  auto& ps = tx.Prepare(
      "SELECT n.id, n.number, n.kind, d.body, n.created_at FROM notices n "
      "JOIN deliveries d ON d.notice_id = n.id AND d.channel = 'in_app' "
      "WHERE (n.customer_id = ? OR n.phone_key = ?) AND (? = 0 OR n.id < ?) "
      "ORDER BY n.id DESC LIMIT ?");
  ps.setString(1, customer_id.empty() ? std::string("\x01") : customer_id);
  ps.setString(2, phone_key.empty() ? std::string("\x01") : phone_key);
  ps.setInt64(3, before_id);
  ps.setInt64(4, before_id);
  ps.setInt(5, limit);
  std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
  std::vector<InAppNotice> out;
  while (rs->next()) {
    out.push_back({rs->getInt64(1), rs->getString(2), rs->getString(3), rs->getString(4),
                   FromSqlDateTime(rs->getString(5))});
  }
  return out;
}

std::optional<CustomerPreferences> LoadPreferences(db::Transaction& tx,
                                                   const std::string& phone_key) {
  auto& ps = tx.Prepare("SELECT sms, email, essential_only FROM preferences WHERE phone_key = ?");
  ps.setString(1, phone_key);
  std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
  if (!rs->next()) return std::nullopt;
  return CustomerPreferences{rs->getInt(1) != 0, rs->getInt(2) != 0, rs->getInt(3) != 0};
}

void SavePreferences(db::Transaction& tx, const std::string& phone_key,
                     const CustomerPreferences& prefs, absl::Time now) {
  auto& ps = tx.Prepare(
      "INSERT INTO preferences (phone_key, sms, email, essential_only, updated_at) "
      "VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE sms = VALUES(sms), email = VALUES(email), "
      "essential_only = VALUES(essential_only), updated_at = VALUES(updated_at)");
  ps.setString(1, phone_key);
  ps.setInt(2, prefs.sms ? 1 : 0);
  ps.setInt(3, prefs.email ? 1 : 0);
  ps.setInt(4, prefs.essential_only ? 1 : 0);
  ps.setDateTime(5, ToSqlDateTime(now));
  ps.executeUpdate();
}

int64_t DeleteOlderThan(db::Transaction& tx, absl::Time cutoff, int limit) {
  auto& ids = tx.Prepare("SELECT id FROM notices WHERE created_at < ? ORDER BY id LIMIT ?");
  ids.setDateTime(1, ToSqlDateTime(cutoff));
  ids.setInt(2, limit);
  std::unique_ptr<sql::ResultSet> rs(ids.executeQuery());
  int64_t removed = 0;
  auto& del_deliveries = tx.Prepare("DELETE FROM deliveries WHERE notice_id = ?");
  auto& del_notice = tx.Prepare("DELETE FROM notices WHERE id = ?");
  while (rs->next()) {
    const int64_t id = rs->getInt64(1);
    del_deliveries.setInt64(1, id);
    removed += del_deliveries.executeUpdate();
    del_notice.setInt64(1, id);
    removed += del_notice.executeUpdate();
  }
  return removed;
}

}  // namespace tousu::notification
