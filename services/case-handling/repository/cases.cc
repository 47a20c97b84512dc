#include "services/case-handling/repository/cases.h"

#include <cppconn/datatype.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/db/sql_time.h"
#include "common/time/proto_time.h"

namespace tousu::casehandling {
namespace {

namespace cv1 = complaints::common::v1;
using ResultSet = std::unique_ptr<sql::ResultSet>;

constexpr int kInvestigationAttachment = 1;
constexpr int kInspectionAttachment = 2;

constexpr char kColumns[] =
    "number, state, cycle, revision, department_id, owner_staff_id, assisting_department_ids, "
    "category,"
    " severity, complex, has_inspection_report, solution_due, solution_due_provisional, "
    "deadline_missed,"
    " acknowledged_at, updated_at, closed_at";

std::string Str(sql::ResultSet& rs, int col) { return std::string(rs.getString(col)); }
absl::Time TimeOf(sql::ResultSet& rs, int col) { return db::FromSqlDateTime(Str(rs, col)); }
void SetTime(sql::ResultSet& rs, int col, google::protobuf::Timestamp* out) {
  time::ToProto(TimeOf(rs, col), out);
}
std::string Sql(const google::protobuf::Timestamp& ts) {
  return db::ToSqlDateTime(time::FromProto(ts));
}

CaseRow ReadCase(sql::ResultSet& rs) {
  CaseRow r;
  r.number = Str(rs, 1);
  r.facts.state = static_cast<CaseState>(rs.getInt(2));
  r.facts.cycle = rs.getInt(3);
  r.facts.revision = rs.getInt(4);
  r.department_id = Str(rs, 5);
  r.owner_staff_id = Str(rs, 6);
  for (absl::string_view d : absl::StrSplit(Str(rs, 7), ',', absl::SkipEmpty())) {
    r.assisting_department_ids.emplace_back(d);
  }
  r.facts.category = static_cast<cv1::Category>(rs.getInt(8));
  r.severity = static_cast<cv1::Severity>(rs.getInt(9));
  r.facts.complex = rs.getBoolean(10);
  r.facts.has_inspection_report = rs.getBoolean(11);
  r.facts.solution_due = TimeOf(rs, 12);
  r.facts.solution_due_provisional = rs.getBoolean(13);
  r.facts.deadline_missed = rs.getBoolean(14);
  r.acknowledged_at = TimeOf(rs, 15);
  r.updated_at = TimeOf(rs, 16);
  if (!rs.isNull(17)) r.closed_at = TimeOf(rs, 17);
  return r;
}

// Binds every column after `number` in kColumns order, from index `i`; returns the next index.
int BindCase(sql::PreparedStatement& ps, int i, const CaseRow& r) {
  ps.setInt(i++, static_cast<int>(r.facts.state));
  ps.setInt(i++, r.facts.cycle);
  ps.setInt(i++, r.facts.revision);
  ps.setString(i++, r.department_id);
  ps.setString(i++, r.owner_staff_id);
  ps.setString(i++, absl::StrJoin(r.assisting_department_ids, ","));
  ps.setInt(i++, static_cast<int>(r.facts.category));
  ps.setInt(i++, static_cast<int>(r.severity));
  ps.setBoolean(i++, r.facts.complex);
  ps.setBoolean(i++, r.facts.has_inspection_report);
  ps.setDateTime(i++, db::ToSqlDateTime(r.facts.solution_due));
  ps.setBoolean(i++, r.facts.solution_due_provisional);
  ps.setBoolean(i++, r.facts.deadline_missed);
  ps.setDateTime(i++, db::ToSqlDateTime(r.acknowledged_at));
  ps.setDateTime(i++, db::ToSqlDateTime(r.updated_at));
  if (r.closed_at.has_value()) {
    ps.setDateTime(i++, db::ToSqlDateTime(*r.closed_at));
  } else {
    ps.setNull(i++, sql::DataType::TIMESTAMP);
  }
  return i;
}

int64_t LastInsertId(db::Transaction& tx) {
  auto& q = tx.Prepare("SELECT LAST_INSERT_ID()");
  ResultSet rs(q.executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

void InsertAttachments(db::Transaction& tx, const std::string& number, int owner_kind,
                       int64_t owner_id,
                       const google::protobuf::RepeatedPtrField<chv1::Attachment>& attachments) {
  for (const auto& a : attachments) {
    auto& ps = tx.Prepare(
        "INSERT INTO attachments (number, owner_kind, owner_id, uri, media_type, sha256) VALUES "
        "(?, ?, ?, ?, ?, ?)");
    ps.setString(1, number);
    ps.setInt(2, owner_kind);
    ps.setInt64(3, owner_id);
    ps.setString(4, a.uri());
    ps.setString(5, a.media_type());
    ps.setString(6, a.sha256());
    ps.executeUpdate();
  }
}

// Attachments of a case by (owner kind, owner id), in the order written.
std::map<std::pair<int, int64_t>, std::vector<chv1::Attachment>> LoadAttachments(
    db::Transaction& tx, const std::string& number) {
  auto& q = tx.Prepare(
      "SELECT owner_kind, owner_id, uri, media_type, sha256 FROM attachments WHERE number = ? "
      "ORDER BY id");
  q.setString(1, number);
  ResultSet rs(q.executeQuery());
  std::map<std::pair<int, int64_t>, std::vector<chv1::Attachment>> out;
  while (rs->next()) {
    chv1::Attachment a;
    a.set_uri(Str(*rs, 3));
    a.set_media_type(Str(*rs, 4));
    a.set_sha256(Str(*rs, 5));
    out[{rs->getInt(1), rs->getInt64(2)}].push_back(std::move(a));
  }
  return out;
}

ResultSet QueryByNumber(db::Transaction& tx, const std::string& sql, const std::string& number) {
  auto& q = tx.Prepare(sql);
  q.setString(1, number);
  return ResultSet(q.executeQuery());
}

}  // namespace

std::optional<CaseRow> LoadCase(db::Transaction& tx, const std::string& number, bool for_update) {
  static const std::string plain =
      std::string("SELECT ") + kColumns + " FROM cases WHERE number = ?";
  static const std::string locked = plain + " FOR UPDATE";
  auto& q = tx.Prepare(for_update ? locked : plain);
  q.setString(1, number);
  ResultSet rs(q.executeQuery());
  if (!rs->next()) return std::nullopt;
  return ReadCase(*rs);
}

bool InsertCase(db::Transaction& tx, const CaseRow& row) {
  auto& ps = tx.Prepare(std::string("INSERT IGNORE INTO cases (") + kColumns +
                        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  ps.setString(1, row.number);
  BindCase(ps, 2, row);
  return ps.executeUpdate() == 1;
}

void UpdateCase(db::Transaction& tx, const CaseRow& row) {
  auto& ps = tx.Prepare(
      "UPDATE cases SET state = ?, cycle = ?, revision = ?, department_id = ?, owner_staff_id = ?,"
      " assisting_department_ids = ?, category = ?, severity = ?, complex = ?, "
      "has_inspection_report = ?,"
      " solution_due = ?, solution_due_provisional = ?, deadline_missed = ?, acknowledged_at = ?,"
      " updated_at = ?, closed_at = ? WHERE number = ?");
  const int next = BindCase(ps, 1, row);
  ps.setString(next, row.number);
  ps.executeUpdate();
}

std::vector<CaseRow> ListCases(db::Transaction& tx, const ListFilter& filter,
                               const std::string& after_number, int limit) {
  // Built from fixed fragments only; every value is a bound parameter.
  std::string sql = std::string("SELECT ") + kColumns + " FROM cases WHERE number > ?";
  if (!filter.department_id.empty()) sql += " AND department_id = ?";
  if (!filter.owner_staff_id.empty()) sql += " AND owner_staff_id = ?";
  if (filter.state != chv1::CASE_STATE_UNSPECIFIED) sql += " AND state = ?";
  sql += " ORDER BY number LIMIT ?";
  auto& q = tx.Prepare(sql);
  int i = 1;
  q.setString(i++, after_number);
  if (!filter.department_id.empty()) q.setString(i++, filter.department_id);
  if (!filter.owner_staff_id.empty()) q.setString(i++, filter.owner_staff_id);
  if (filter.state != chv1::CASE_STATE_UNSPECIFIED) q.setInt(i++, static_cast<int>(filter.state));
  q.setInt(i++, limit);
  ResultSet rs(q.executeQuery());
  std::vector<CaseRow> out;
  while (rs->next()) out.push_back(ReadCase(*rs));
  return out;
}

std::map<std::string, int64_t> CountOpenByDepartment(db::Transaction& tx) {
  auto& q = tx.Prepare(
      "SELECT department_id, COUNT(*) FROM cases WHERE state IN (?, ?, ?) GROUP BY department_id");
  q.setInt(1, chv1::CASE_STATE_INVESTIGATING);
  q.setInt(2, chv1::CASE_STATE_AWAITING_DECISION);
  q.setInt(3, chv1::CASE_STATE_IMPLEMENTING);
  ResultSet rs(q.executeQuery());
  std::map<std::string, int64_t> out;
  while (rs->next()) out[Str(*rs, 1)] = rs->getInt64(2);
  return out;
}

std::vector<std::string> ClaimOverdue(db::Transaction& tx, absl::Time now, int limit) {
  auto& q = tx.Prepare(
      "SELECT number FROM cases WHERE state = ? AND deadline_missed = 0 AND solution_due < ?"
      " ORDER BY solution_due LIMIT ? FOR UPDATE SKIP LOCKED");
  q.setInt(1, chv1::CASE_STATE_INVESTIGATING);
  q.setDateTime(2, db::ToSqlDateTime(now));
  q.setInt(3, limit);
  ResultSet rs(q.executeQuery());
  std::vector<std::string> out;
  while (rs->next()) out.push_back(Str(*rs, 1));
  return out;
}

void InsertCycle(db::Transaction& tx, const std::string& number, const chv1::Cycle& c) {
  auto& ps = tx.Prepare(
      "INSERT INTO cycles (number, cycle, opened_at, opened_by, reopen_satisfaction) VALUES (?, ?, "
      "?, ?, ?)");
  ps.setString(1, number);
  ps.setInt(2, c.cycle());
  ps.setDateTime(3, Sql(c.opened_at()));
  ps.setString(4, c.opened_by());
  ps.setInt(5, c.reopen_satisfaction());
  ps.executeUpdate();
}

void ResolveCycle(db::Transaction& tx, const std::string& number, const chv1::Cycle& c) {
  auto& ps = tx.Prepare(
      "UPDATE cycles SET resolved_at = ?, resolved_by_staff_id = ?, result = ? WHERE number = ? "
      "AND cycle = ?");
  ps.setDateTime(1, Sql(c.resolved_at()));
  ps.setString(2, c.resolved_by_staff_id());
  ps.setString(3, c.result());
  ps.setString(4, number);
  ps.setInt(5, c.cycle());
  ps.executeUpdate();
}

void InsertDeadline(db::Transaction& tx, const std::string& number,
                    const chv1::SolutionDeadline& d) {
  auto& ps = tx.Prepare(
      "INSERT INTO deadlines (number, cycle, kind, due, provisional, set_at, staff_id, reason)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  ps.setString(1, number);
  ps.setInt(2, d.cycle());
  ps.setInt(3, static_cast<int>(d.kind()));
  ps.setDateTime(4, Sql(d.due()));
  ps.setBoolean(5, d.provisional());
  ps.setDateTime(6, Sql(d.set_at()));
  ps.setString(7, d.staff_id());
  ps.setString(8, d.reason());
  ps.executeUpdate();
}

void MarkLatestDeadlineMissed(db::Transaction& tx, const std::string& number, int cycle,
                              absl::Time at) {
  auto& ps = tx.Prepare(
      "UPDATE deadlines SET missed_at = ? WHERE number = ? AND cycle = ? AND missed_at IS NULL"
      " ORDER BY id DESC LIMIT 1");
  ps.setDateTime(1, db::ToSqlDateTime(at));
  ps.setString(2, number);
  ps.setInt(3, cycle);
  ps.executeUpdate();
}

int64_t InsertInvestigationEntry(db::Transaction& tx, const std::string& number,
                                 const chv1::InvestigationEntry& e) {
  auto& ps = tx.Prepare(
      "INSERT INTO investigation_entries (number, cycle, kind, author_staff_id, note, at) VALUES "
      "(?, ?, ?, ?, ?, ?)");
  ps.setString(1, number);
  ps.setInt(2, e.cycle());
  ps.setInt(3, static_cast<int>(e.kind()));
  ps.setString(4, e.author_staff_id());
  ps.setString(5, e.note());
  ps.setDateTime(6, Sql(e.at()));
  ps.executeUpdate();
  const int64_t id = LastInsertId(tx);
  InsertAttachments(tx, number, kInvestigationAttachment, id, e.attachments());
  return id;
}

int64_t InsertInspectionReport(db::Transaction& tx, const std::string& number,
                               const chv1::InspectionReport& r) {
  auto& ps = tx.Prepare(
      "INSERT INTO inspection_reports (number, cycle, inspector_staff_id, cause, severity, "
      "findings,"
      " recommended_repair, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  ps.setString(1, number);
  ps.setInt(2, r.cycle());
  ps.setString(3, r.inspector_staff_id());
  ps.setString(4, r.cause());
  ps.setInt(5, static_cast<int>(r.severity()));
  ps.setString(6, r.findings());
  ps.setString(7, r.recommended_repair());
  ps.setDateTime(8, Sql(r.at()));
  ps.executeUpdate();
  const int64_t id = LastInsertId(tx);
  InsertAttachments(tx, number, kInspectionAttachment, id, r.attachments());
  return id;
}

int64_t InsertContact(db::Transaction& tx, const std::string& number,
                      const chv1::CustomerContact& c) {
  auto& ps = tx.Prepare(
      "INSERT INTO contacts (number, cycle, staff_id, channel, purpose, summary, at) VALUES (?, ?, "
      "?, ?, ?, ?, ?)");
  ps.setString(1, number);
  ps.setInt(2, c.cycle());
  ps.setString(3, c.staff_id());
  ps.setInt(4, static_cast<int>(c.channel()));
  ps.setInt(5, static_cast<int>(c.purpose()));
  ps.setString(6, c.summary());
  ps.setDateTime(7, Sql(c.at()));
  ps.executeUpdate();
  return LastInsertId(tx);
}

void InsertSolution(db::Transaction& tx, const std::string& number, const chv1::Solution& s) {
  auto& ps = tx.Prepare(
      "INSERT INTO solutions (number, cycle, revision, staff_id, owner_staff_id, solution, "
      "planned_actions,"
      " planned_completion, proposed_at, due, on_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  ps.setString(1, number);
  ps.setInt(2, s.cycle());
  ps.setInt(3, s.revision());
  ps.setString(4, s.staff_id());
  ps.setString(5, s.owner_staff_id());
  ps.setString(6, s.solution());
  ps.setString(7, absl::StrJoin(s.planned_actions(), "\n"));
  ps.setDateTime(8, Sql(s.planned_completion()));
  ps.setDateTime(9, Sql(s.proposed_at()));
  ps.setDateTime(10, Sql(s.due()));
  ps.setBoolean(11, s.on_time());
  ps.executeUpdate();
}

void InsertDecision(db::Transaction& tx, const std::string& number, const chv1::Decision& d) {
  auto& ps = tx.Prepare(
      "INSERT INTO decisions (number, cycle, revision, decision, reason, recorded_by_staff_id, at,"
      " revised_solution_due, decided_by_customer_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  ps.setString(1, number);
  ps.setInt(2, d.cycle());
  ps.setInt(3, d.revision());
  ps.setInt(4, static_cast<int>(d.decision()));
  ps.setString(5, d.reason());
  ps.setString(6, d.recorded_by_staff_id());
  ps.setDateTime(7, Sql(d.at()));
  if (d.has_revised_solution_due()) {
    ps.setDateTime(8, Sql(d.revised_solution_due()));
  } else {
    ps.setNull(8, sql::DataType::TIMESTAMP);
  }
  ps.setString(9, d.decided_by_customer_id());
  ps.executeUpdate();
}

void InsertImplementationNote(db::Transaction& tx, const std::string& number,
                              const chv1::ImplementationNote& n) {
  auto& ps = tx.Prepare(
      "INSERT INTO implementation_notes (number, cycle, staff_id, note, plan_changed, "
      "customer_explanation, at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?)");
  ps.setString(1, number);
  ps.setInt(2, n.cycle());
  ps.setString(3, n.staff_id());
  ps.setString(4, n.note());
  ps.setBoolean(5, n.plan_changed());
  ps.setString(6, n.customer_explanation());
  ps.setDateTime(7, Sql(n.at()));
  ps.executeUpdate();
}

void ToProto(const CaseRow& r, chv1::Case* out) {
  out->set_number(r.number);
  out->set_state(r.facts.state);
  out->set_cycle(r.facts.cycle);
  out->set_department_id(r.department_id);
  out->set_owner_staff_id(r.owner_staff_id);
  for (const auto& d : r.assisting_department_ids) out->add_assisting_department_ids(d);
  out->set_category(r.facts.category);
  out->set_severity(r.severity);
  out->set_complex(r.facts.complex);
  time::ToProto(r.facts.solution_due, out->mutable_solution_due());
  out->set_solution_due_provisional(r.facts.solution_due_provisional);
  out->set_solution_deadline_missed(r.facts.deadline_missed);
  out->set_revision(r.facts.revision);
  time::ToProto(r.acknowledged_at, out->mutable_acknowledged_at());
  time::ToProto(r.updated_at, out->mutable_updated_at());
  if (r.closed_at.has_value()) time::ToProto(*r.closed_at, out->mutable_closed_at());
}

void LoadHistory(db::Transaction& tx, const std::string& number, chv1::Case* out) {
  {
    auto rs =
        QueryByNumber(tx,
                      "SELECT cycle, opened_at, opened_by, reopen_satisfaction, resolved_at,"
                      " resolved_by_staff_id, result FROM cycles WHERE number = ? ORDER BY cycle",
                      number);
    while (rs->next()) {
      auto* c = out->add_cycles();
      c->set_cycle(rs->getInt(1));
      SetTime(*rs, 2, c->mutable_opened_at());
      c->set_opened_by(Str(*rs, 3));
      c->set_reopen_satisfaction(rs->getInt(4));
      if (!rs->isNull(5)) SetTime(*rs, 5, c->mutable_resolved_at());
      c->set_resolved_by_staff_id(Str(*rs, 6));
      if (!rs->isNull(7)) c->set_result(Str(*rs, 7));
    }
  }
  {
    auto rs =
        QueryByNumber(tx,
                      "SELECT cycle, kind, due, provisional, set_at, staff_id, reason, missed_at"
                      " FROM deadlines WHERE number = ? ORDER BY id",
                      number);
    while (rs->next()) {
      auto* d = out->add_deadlines();
      d->set_cycle(rs->getInt(1));
      d->set_kind(static_cast<chv1::DeadlineKind>(rs->getInt(2)));
      SetTime(*rs, 3, d->mutable_due());
      d->set_provisional(rs->getBoolean(4));
      SetTime(*rs, 5, d->mutable_set_at());
      d->set_staff_id(Str(*rs, 6));
      if (!rs->isNull(7)) d->set_reason(Str(*rs, 7));
      if (!rs->isNull(8)) SetTime(*rs, 8, d->mutable_missed_at());
    }
  }
  auto attachments = LoadAttachments(tx, number);
  {
    auto rs =
        QueryByNumber(tx,
                      "SELECT id, cycle, kind, author_staff_id, note, at FROM investigation_entries"
                      " WHERE number = ? ORDER BY id",
                      number);
    while (rs->next()) {
      auto* e = out->add_investigation_entries();
      e->set_id(rs->getInt64(1));
      e->set_cycle(rs->getInt(2));
      e->set_kind(static_cast<chv1::InvestigationKind>(rs->getInt(3)));
      e->set_author_staff_id(Str(*rs, 4));
      e->set_note(Str(*rs, 5));
      SetTime(*rs, 6, e->mutable_at());
      for (auto& a : attachments[{kInvestigationAttachment, e->id()}]) *e->add_attachments() = a;
    }
  }
  {
    auto rs = QueryByNumber(
        tx,
        "SELECT id, cycle, inspector_staff_id, cause, severity, findings, recommended_repair, at"
        " FROM inspection_reports WHERE number = ? ORDER BY id",
        number);
    while (rs->next()) {
      auto* r = out->add_inspection_reports();
      r->set_id(rs->getInt64(1));
      r->set_cycle(rs->getInt(2));
      r->set_inspector_staff_id(Str(*rs, 3));
      r->set_cause(Str(*rs, 4));
      r->set_severity(static_cast<cv1::Severity>(rs->getInt(5)));
      r->set_findings(Str(*rs, 6));
      r->set_recommended_repair(Str(*rs, 7));
      SetTime(*rs, 8, r->mutable_at());
      for (auto& a : attachments[{kInspectionAttachment, r->id()}]) *r->add_attachments() = a;
    }
  }
  {
    auto rs =
        QueryByNumber(tx,
                      "SELECT id, cycle, staff_id, channel, purpose, summary, at FROM contacts"
                      " WHERE number = ? ORDER BY id",
                      number);
    while (rs->next()) {
      auto* c = out->add_contacts();
      c->set_id(rs->getInt64(1));
      c->set_cycle(rs->getInt(2));
      c->set_staff_id(Str(*rs, 3));
      c->set_channel(static_cast<chv1::ContactChannel>(rs->getInt(4)));
      c->set_purpose(static_cast<chv1::ContactPurpose>(rs->getInt(5)));
      c->set_summary(Str(*rs, 6));
      SetTime(*rs, 7, c->mutable_at());
    }
  }
  {
    auto rs =
        QueryByNumber(tx,
                      "SELECT cycle, revision, staff_id, owner_staff_id, solution, planned_actions,"
                      " planned_completion, proposed_at, due, on_time FROM solutions"
                      " WHERE number = ? ORDER BY id",
                      number);
    while (rs->next()) {
      auto* s = out->add_solutions();
      s->set_cycle(rs->getInt(1));
      s->set_revision(rs->getInt(2));
      s->set_staff_id(Str(*rs, 3));
      s->set_owner_staff_id(Str(*rs, 4));
      s->set_solution(Str(*rs, 5));
      for (absl::string_view a : absl::StrSplit(Str(*rs, 6), '\n', absl::SkipEmpty())) {
        s->add_planned_actions(std::string(a));
      }
      SetTime(*rs, 7, s->mutable_planned_completion());
      SetTime(*rs, 8, s->mutable_proposed_at());
      SetTime(*rs, 9, s->mutable_due());
      s->set_on_time(rs->getBoolean(10));
    }
  }
  {
    auto rs = QueryByNumber(
        tx,
        "SELECT cycle, revision, decision, reason, recorded_by_staff_id, at, revised_solution_due,"
        " decided_by_customer_id FROM decisions WHERE number = ? ORDER BY id",
        number);
    while (rs->next()) {
      auto* d = out->add_decisions();
      d->set_cycle(rs->getInt(1));
      d->set_revision(rs->getInt(2));
      d->set_decision(static_cast<chv1::CustomerDecision>(rs->getInt(3)));
      d->set_reason(Str(*rs, 4));
      d->set_recorded_by_staff_id(Str(*rs, 5));
      SetTime(*rs, 6, d->mutable_at());
      if (!rs->isNull(7)) SetTime(*rs, 7, d->mutable_revised_solution_due());
      d->set_decided_by_customer_id(Str(*rs, 8));
    }
  }
  {
    auto rs = QueryByNumber(tx,
                            "SELECT cycle, staff_id, note, plan_changed, customer_explanation, at"
                            " FROM implementation_notes WHERE number = ? ORDER BY id",
                            number);
    while (rs->next()) {
      auto* n = out->add_implementation_notes();
      n->set_cycle(rs->getInt(1));
      n->set_staff_id(Str(*rs, 2));
      n->set_note(Str(*rs, 3));
      n->set_plan_changed(rs->getBoolean(4));
      n->set_customer_explanation(Str(*rs, 5));
      SetTime(*rs, 6, n->mutable_at());
    }
  }
}

}  // namespace tousu::casehandling
