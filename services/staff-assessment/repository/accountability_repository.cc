#include "services/staff-assessment/repository/accountability_repository.h"

#include <cppconn/datatype.h>
#include <cppconn/resultset.h>

#include <memory>

#include "common/time/proto_time.h"
#include "services/staff-assessment/repository/rows.h"

namespace tousu::staff::repository {
namespace {

using rows::SetTime;
using rows::Sql;
using rows::Text;

constexpr char kSuggestionColumns[] =
    "SELECT id, number, staff_id, department_id, cause, severity, rule, reason, event,"
    " suggested_at, record_id FROM accountability_suggestions";

v1::AccountabilitySuggestion ReadSuggestion(const sql::ResultSet& rs) {
  v1::AccountabilitySuggestion s;
  s.set_id(rs.getInt64(1));
  s.set_number(Text(rs, 2));
  s.set_staff_id(Text(rs, 3));
  s.set_department_id(Text(rs, 4));
  s.set_cause(assessment::CauseFromName(Text(rs, 5)));
  s.set_severity(assessment::SeverityFromName(Text(rs, 6)));
  s.set_rule(Text(rs, 7));
  s.set_reason(Text(rs, 8));
  s.set_event(Text(rs, 9));
  SetTime(rs, 10, s.mutable_suggested_at());
  if (rs.isNull(11)) {
    s.set_status(v1::SUGGESTION_STATUS_PENDING);
  } else {
    s.set_status(v1::SUGGESTION_STATUS_CONFIRMED);
    s.set_record_id(rs.getInt64(11));
  }
  return s;
}

constexpr char kRecordColumns[] =
    "SELECT id, number, staff_id, department_id, cause, severity, measure, decided_by_staff_id,"
    " decided_at, note, suggestion_id, recorded_at FROM accountability_records";

v1::AccountabilityRecord ReadRecord(const sql::ResultSet& rs) {
  v1::AccountabilityRecord r;
  r.set_id(rs.getInt64(1));
  r.set_number(Text(rs, 2));
  r.set_staff_id(Text(rs, 3));
  r.set_department_id(Text(rs, 4));
  r.set_cause(assessment::CauseFromName(Text(rs, 5)));
  r.set_severity(assessment::SeverityFromName(Text(rs, 6)));
  r.set_measure(assessment::MeasureFromName(Text(rs, 7)));
  r.set_decided_by_staff_id(Text(rs, 8));
  SetTime(rs, 9, r.mutable_decided_at());
  r.set_note(Text(rs, 10));
  if (!rs.isNull(11)) r.set_suggestion_id(rs.getInt64(11));
  SetTime(rs, 12, r.mutable_recorded_at());
  return r;
}

}  // namespace

bool InsertSuggestion(db::Transaction& tx, const assessment::Suggestion& s,
                      const std::string& event_ref, absl::Time at) {
  auto& st = tx.Prepare(
      "INSERT IGNORE INTO accountability_suggestions (number, staff_id, department_id, cause,"
      " severity, rule, reason, event, suggested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.setString(1, s.number);
  st.setString(2, s.staff_id);
  st.setString(3, s.department_id);
  st.setString(4, std::string(assessment::CauseName(s.cause)));
  st.setString(5, std::string(assessment::SeverityName(s.severity)));
  st.setString(6, s.rule);
  st.setString(7, s.reason);
  st.setString(8, event_ref);
  st.setDateTime(9, Sql(at));
  return st.executeUpdate() == 1;
}

std::optional<v1::AccountabilitySuggestion> FindSuggestion(db::Transaction& tx, int64_t id,
                                                           bool for_update) {
  auto& q = tx.Prepare(std::string(kSuggestionColumns) + " WHERE id = ?" +
                       (for_update ? " FOR UPDATE" : ""));
  q.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  if (!rs->next()) return std::nullopt;
  return ReadSuggestion(*rs);
}

std::vector<v1::AccountabilitySuggestion> ListSuggestions(db::Transaction& tx, bool confirmed,
                                                          const std::string& staff_id,
                                                          const std::string& number) {
  auto& q = tx.Prepare(std::string(kSuggestionColumns) +
                       (confirmed ? " WHERE record_id IS NOT NULL" : " WHERE record_id IS NULL") +
                       " AND (? = '' OR staff_id = ?) AND (? = '' OR number = ?) ORDER BY id"
                       " LIMIT 1000");
  q.setString(1, staff_id);
  q.setString(2, staff_id);
  q.setString(3, number);
  q.setString(4, number);
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<v1::AccountabilitySuggestion> out;
  while (rs->next()) out.push_back(ReadSuggestion(*rs));
  return out;
}

int64_t InsertRecord(db::Transaction& tx, const v1::AccountabilityRecord& r, absl::Time now) {
  auto& st = tx.Prepare(
      "INSERT INTO accountability_records (number, staff_id, department_id, cause, severity,"
      " measure, decided_by_staff_id, decided_at, note, suggestion_id, recorded_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.setString(1, r.number());
  st.setString(2, r.staff_id());
  st.setString(3, r.department_id());
  st.setString(4, std::string(assessment::CauseName(r.cause())));
  st.setString(5, std::string(assessment::SeverityName(r.severity())));
  st.setString(6, std::string(assessment::MeasureName(r.measure())));
  st.setString(7, r.decided_by_staff_id());
  st.setDateTime(8, Sql(time::FromProto(r.decided_at())));
  st.setString(9, r.note());
  if (r.suggestion_id() != 0) {
    st.setInt64(10, r.suggestion_id());
  } else {
    st.setNull(10, sql::DataType::BIGINT);
  }
  st.setDateTime(11, Sql(now));
  st.executeUpdate();
  auto& q = tx.Prepare("SELECT LAST_INSERT_ID()");
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  rs->next();
  return rs->getInt64(1);
}

void MarkSuggestionConfirmed(db::Transaction& tx, int64_t suggestion_id, int64_t record_id) {
  auto& st = tx.Prepare("UPDATE accountability_suggestions SET record_id = ? WHERE id = ?");
  st.setInt64(1, record_id);
  st.setInt64(2, suggestion_id);
  st.executeUpdate();
}

std::vector<v1::AccountabilityRecord> ListRecords(db::Transaction& tx, const RecordFilter& f) {
  auto& q = tx.Prepare(std::string(kRecordColumns) +
                       " WHERE (? = '' OR staff_id = ?) AND (? = '' OR department_id = ?)"
                       " AND (? = '' OR number = ?) AND decided_at >= ? AND decided_at < ?"
                       " ORDER BY decided_at, id LIMIT 1000");
  q.setString(1, f.staff_id);
  q.setString(2, f.staff_id);
  q.setString(3, f.department_id);
  q.setString(4, f.department_id);
  q.setString(5, f.number);
  q.setString(6, f.number);
  q.setDateTime(7, f.decided_in ? Sql(f.decided_in->start) : "1000-01-01 00:00:00");
  q.setDateTime(8, f.decided_in ? Sql(f.decided_in->end) : "9999-12-31 23:59:59");
  std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
  std::vector<v1::AccountabilityRecord> out;
  while (rs->next()) out.push_back(ReadRecord(*rs));
  return out;
}

}  // namespace tousu::staff::repository
