#include "services/intake/repository/complaint_repository.h"

#include <cppconn/datatype.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/db/sql_time.h"
#include "services/intake/domain/timeline_order.h"
#include "services/intake/domain/timestamps.h"

namespace tousu::intake::repository {
namespace {

using ResultSet = std::unique_ptr<sql::ResultSet>;

// Columns of the record, in the order ReadComplaint reads them.
constexpr char kComplaintColumns[] =
    "id, number, customer_name, customer_phone, customer_email, project, building, unit,"
    " description, occurred_at, severity, expected_resolution, channel, journey_stage,"
    " recorded_by_staff_id, staff_category, status, category, department_id, owner_staff_id,"
    " ack_due, solution_due, received_at, updated_at, cycle, solution_due_provisional,"
    " original_solution_due, solution, planned_completion, resolution, tracker_staff_id,"
    " callback_due, callback_due_provisional, satisfaction, closed_at, customer_id,"
    " solution_revision";

std::string Str(sql::ResultSet& rs, int column) { return std::string(rs.getString(column)); }

google::protobuf::Timestamp TimeAt(sql::ResultSet& rs, int column) {
  return ToProto(db::FromSqlDateTime(Str(rs, column)));
}

void ReadComplaint(sql::ResultSet& rs, iv1::Complaint* c) {
  c->set_number(Str(rs, 2));
  iv1::ComplaintInput* in = c->mutable_input();
  in->set_customer_name(Str(rs, 3));
  in->set_customer_phone(Str(rs, 4));
  in->set_customer_email(Str(rs, 5));
  in->set_project(Str(rs, 6));
  in->set_building(Str(rs, 7));
  in->set_unit(Str(rs, 8));
  in->set_description(Str(rs, 9));
  *in->mutable_occurred_at() = TimeAt(rs, 10);
  in->set_severity(static_cast<cv1::Severity>(rs.getInt(11)));
  in->set_expected_resolution(Str(rs, 12));
  in->set_channel(static_cast<cv1::Channel>(rs.getInt(13)));
  in->set_journey_stage(static_cast<cv1::JourneyStage>(rs.getInt(14)));
  in->set_recorded_by_staff_id(Str(rs, 15));
  in->set_staff_category(static_cast<cv1::Category>(rs.getInt(16)));
  c->set_status(static_cast<iv1::ComplaintStatus>(rs.getInt(17)));
  c->set_category(static_cast<cv1::Category>(rs.getInt(18)));
  c->set_department_id(Str(rs, 19));
  c->set_owner_staff_id(Str(rs, 20));
  // Nullable: NULL leaves the field unset (calling mutable_* would set it).
  if (!rs.isNull(21)) *c->mutable_ack_due() = TimeAt(rs, 21);
  if (!rs.isNull(22)) *c->mutable_solution_due() = TimeAt(rs, 22);
  *c->mutable_received_at() = TimeAt(rs, 23);
  *c->mutable_updated_at() = TimeAt(rs, 24);
  c->set_cycle(rs.getInt(25));
  c->set_solution_due_provisional(rs.getInt(26) != 0);
  if (!rs.isNull(27)) {
    c->set_solution_due_extended(true);
    *c->mutable_original_solution_due() = TimeAt(rs, 27);
  }
  c->set_solution(Str(rs, 28));
  if (!rs.isNull(29)) *c->mutable_planned_completion() = TimeAt(rs, 29);
  c->set_resolution(Str(rs, 30));
  c->set_tracker_staff_id(Str(rs, 31));
  if (!rs.isNull(32)) *c->mutable_callback_due() = TimeAt(rs, 32);
  c->set_callback_due_provisional(rs.getInt(33) != 0);
  c->set_satisfaction(rs.getInt(34));
  if (!rs.isNull(35)) *c->mutable_closed_at() = TimeAt(rs, 35);
  in->set_customer_id(Str(rs, 36));
  c->set_solution_revision(rs.getInt(37));
}

// Binds a Progress::Due change as two parameters: the mode (0 keep, 1 set, 2 clear) and the time
// (NULL unless set).
void BindDue(sql::PreparedStatement& st, int& n, Progress::Due change, absl::Time at) {
  st.setInt(++n, change == Progress::Due::kKeep ? 0 : change == Progress::Due::kSet ? 1 : 2);
  if (change == Progress::Due::kSet) {
    st.setDateTime(++n, db::ToSqlDateTime(at));
  } else {
    st.setNull(++n, sql::DataType::TIMESTAMP);
  }
}

void BindText(sql::PreparedStatement& st, int& n, const std::optional<std::string>& value) {
  st.setBoolean(++n, value.has_value());
  st.setString(++n, value.value_or(""));
}

}  // namespace

absl::StatusOr<int64_t> ReserveNumbers(db::ConnectionPool& pool, const std::string& month,
                                       int count) {
  // READ COMMITTED: no gap locks, so replicas bumping a month row that does not exist yet do not
  // deadlock on the gap.
  const db::TxOptions options{.read_committed = true};
  std::optional<int64_t> value;
  const auto bump = [&](db::Transaction& tx) -> absl::Status {
    auto& update = tx.Prepare(
        "UPDATE complaint_number_sequences SET last_value = LAST_INSERT_ID(last_value + ?)"
        " WHERE month = ?");
    update.setInt(1, count);
    update.setString(2, month);
    if (update.executeUpdate() == 0) return absl::OkStatus();  // the month has no row yet
    auto& last = tx.Prepare("SELECT LAST_INSERT_ID()");
    ResultSet rs(last.executeQuery());
    if (!rs->next()) return absl::InternalError("LAST_INSERT_ID returned no row");
    value = rs->getInt64(1);
    return absl::OkStatus();
  };
  if (auto s = db::RunInTransaction(pool, bump, options); !s.ok()) return s;
  if (value) return *value;
  // First block of the month. The row is created in a transaction of its own and committed
  // before the UPDATE: an INSERT IGNORE's shared lock held into the UPDATE would deadlock two
  // replicas doing the same.
  auto create = [&](db::Transaction& tx) -> absl::Status {
    auto& insert = tx.Prepare(
        "INSERT IGNORE INTO complaint_number_sequences (month, last_value) VALUES (?, 0)");
    insert.setString(1, month);
    insert.executeUpdate();
    return absl::OkStatus();
  };
  if (auto s = db::RunInTransaction(pool, create, options); !s.ok()) return s;
  if (auto s = db::RunInTransaction(pool, bump, options); !s.ok()) return s;
  if (!value) return absl::InternalError("complaint number counter row missing");
  return *value;
}

void InsertComplaint(db::Transaction& tx, const NewComplaint& c) {
  const iv1::ComplaintInput& in = *c.input;
  const std::string received = db::ToSqlDateTime(c.received_at);
  auto& insert = tx.Prepare(
      "INSERT INTO complaints (number, request_id, input_hash, customer_name, customer_phone,"
      " customer_phone_key, customer_email, project, building, unit, description, occurred_at,"
      " severity, expected_resolution, channel, journey_stage, recorded_by_staff_id,"
      " staff_category, status, category, received_at, updated_at, customer_id)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.setString(1, c.number);
  insert.setString(2, c.request_id);
  insert.setString(3, c.input_hash);
  insert.setString(4, in.customer_name());
  insert.setString(5, in.customer_phone());
  insert.setString(6, c.phone_key);
  insert.setString(7, in.customer_email());
  insert.setString(8, in.project());
  insert.setString(9, in.building());
  insert.setString(10, in.unit());
  insert.setString(11, in.description());
  insert.setDateTime(12, db::ToSqlDateTime(FromProto(in.occurred_at())));
  insert.setInt(13, in.severity());
  insert.setString(14, in.expected_resolution());
  insert.setInt(15, in.channel());
  insert.setInt(16, in.journey_stage());
  insert.setString(17, in.recorded_by_staff_id());
  insert.setInt(18, in.staff_category());
  insert.setInt(19, iv1::COMPLAINT_STATUS_RECEIVED);
  insert.setInt(20, in.staff_category());
  insert.setDateTime(21, received);
  insert.setDateTime(22, received);
  insert.setString(23, in.customer_id());
  insert.executeUpdate();
}

void InsertFirstTimelineEntry(db::Transaction& tx, const TimelineRecord& entry) {
  auto& insert = tx.Prepare(
      "INSERT INTO complaint_timeline (complaint_id, occurred_at, event_type, summary, actor_id,"
      " department_id, source_event_id) VALUES (LAST_INSERT_ID(), ?, ?, ?, ?, ?, NULL)");
  insert.setDateTime(1, db::ToSqlDateTime(entry.at));
  insert.setInt(2, entry.type);
  insert.setString(3, entry.summary);
  insert.setString(4, entry.actor_id);
  insert.setString(5, entry.department_id);
  insert.executeUpdate();
}

iv1::Complaint AsInserted(const NewComplaint& c, const TimelineRecord& first_entry) {
  // A time as DATETIME(6) keeps it: cut to whole microseconds the way ToSqlDateTime writes it.
  const auto stored = [](absl::Time t) {
    return ToProto(db::FromSqlDateTime(db::ToSqlDateTime(t)));
  };
  iv1::Complaint out;
  out.set_number(c.number);
  *out.mutable_input() = *c.input;
  out.mutable_input()->DiscardUnknownFields();  // only what the columns keep
  *out.mutable_input()->mutable_occurred_at() = stored(FromProto(c.input->occurred_at()));
  out.set_status(iv1::COMPLAINT_STATUS_RECEIVED);
  out.set_category(c.input->staff_category());
  *out.mutable_received_at() = stored(c.received_at);
  *out.mutable_updated_at() = stored(c.received_at);
  iv1::TimelineEntry* e = out.add_timeline();
  *e->mutable_at() = stored(first_entry.at);
  e->set_type(first_entry.type);
  e->set_summary(first_entry.summary);
  e->set_actor_id(first_entry.actor_id);
  e->set_department_id(first_entry.department_id);
  return out;
}

void InsertTimeline(db::Transaction& tx, uint64_t complaint_id, const TimelineRecord& entry,
                    const std::string& source_event_id) {
  auto& insert = tx.Prepare(
      "INSERT INTO complaint_timeline (complaint_id, occurred_at, event_type, summary, actor_id,"
      " department_id, source_event_id) VALUES (?, ?, ?, ?, ?, ?, ?)");
  insert.setUInt64(1, complaint_id);
  insert.setDateTime(2, db::ToSqlDateTime(entry.at));
  insert.setInt(3, entry.type);
  insert.setString(4, entry.summary);
  insert.setString(5, entry.actor_id);
  insert.setString(6, entry.department_id);
  if (source_event_id.empty()) {
    insert.setNull(7, sql::DataType::CHAR);
  } else {
    insert.setString(7, source_event_id);
  }
  insert.executeUpdate();
}

std::optional<StoredRequest> FindByRequestId(db::Transaction& tx, const std::string& request_id) {
  auto& select = tx.Prepare("SELECT number, input_hash FROM complaints WHERE request_id = ?");
  select.setString(1, request_id);
  ResultSet rs(select.executeQuery());
  if (!rs->next()) return std::nullopt;
  return StoredRequest{Str(*rs, 1), Str(*rs, 2)};
}

std::optional<iv1::Complaint> LoadComplaint(db::Transaction& tx, const std::string& number) {
  auto& select =
      tx.Prepare(absl::StrCat("SELECT ", kComplaintColumns, " FROM complaints WHERE number = ?"));
  select.setString(1, number);
  ResultSet rs(select.executeQuery());
  if (!rs->next()) return std::nullopt;
  iv1::Complaint complaint;
  ReadComplaint(*rs, &complaint);
  const uint64_t id = rs->getUInt64(1);

  auto& timeline = tx.Prepare(
      "SELECT occurred_at, event_type, summary, actor_id, department_id FROM complaint_timeline"
      " WHERE complaint_id = ? ORDER BY id");
  timeline.setUInt64(1, id);
  ResultSet entries(timeline.executeQuery());
  while (entries->next()) {
    iv1::TimelineEntry* e = complaint.add_timeline();
    *e->mutable_at() = TimeAt(*entries, 1);
    e->set_type(static_cast<iv1::TimelineEventType>(entries->getInt(2)));
    e->set_summary(Str(*entries, 3));
    e->set_actor_id(Str(*entries, 4));
    e->set_department_id(Str(*entries, 5));
  }
  SortTimeline(complaint.mutable_timeline());
  return complaint;
}

std::optional<ComplaintOwner> FindOwner(db::Transaction& tx, const std::string& number) {
  auto& select = tx.Prepare("SELECT customer_id, customer_phone FROM complaints WHERE number = ?");
  select.setString(1, number);
  ResultSet rs(select.executeQuery());
  if (!rs->next()) return std::nullopt;
  return ComplaintOwner{.customer_id = Str(*rs, 1), .customer_phone = Str(*rs, 2)};
}

std::vector<ListedComplaint> List(db::Transaction& tx, const ListQuery& q) {
  // The statement's shape depends only on which filters are set (at most 2^7 shapes, each
  // prepared once per connection); every value is a parameter.
  std::string sql =
      "SELECT id, number, status, category, channel, severity, journey_stage, project, building,"
      " unit, LEFT(description, 40), department_id, ack_due, received_at, updated_at";
  if (q.customer_id && q.owned_phone_key) {
    // A customer's complaints: their account's or their phone's. Each side of the UNION uses its
    // own index (ix_complaints_customer, ix_complaints_phone) and the few rows found lead the
    // join, so an OR never turns into a walk down every complaint's id.
    sql +=
        " FROM (SELECT id AS owned_id FROM complaints WHERE customer_id = ?"
        " UNION SELECT id FROM complaints WHERE customer_phone_key = ?) AS owned"
        " STRAIGHT_JOIN complaints ON complaints.id = owned.owned_id WHERE TRUE";
  } else {
    sql += " FROM complaints WHERE TRUE";
    if (q.customer_id) sql += " AND customer_id = ?";
  }
  if (q.phone_key) sql += " AND customer_phone_key = ?";
  if (q.project) sql += " AND project = ?";
  if (q.status != 0) sql += " AND status = ?";
  if (q.channel != 0) sql += " AND channel = ?";
  if (q.received_from) sql += " AND received_at >= ?";
  if (q.received_to) sql += " AND received_at < ?";
  if (q.before_id) sql += " AND id < ?";
  sql += " ORDER BY id DESC LIMIT ?";
  auto& select = tx.Prepare(sql);
  int n = 0;
  if (q.customer_id) select.setString(++n, *q.customer_id);
  if (q.customer_id && q.owned_phone_key) select.setString(++n, *q.owned_phone_key);
  if (q.phone_key) select.setString(++n, *q.phone_key);
  if (q.project) select.setString(++n, *q.project);
  if (q.status != 0) select.setInt(++n, q.status);
  if (q.channel != 0) select.setInt(++n, q.channel);
  if (q.received_from) select.setDateTime(++n, db::ToSqlDateTime(*q.received_from));
  if (q.received_to) select.setDateTime(++n, db::ToSqlDateTime(*q.received_to));
  if (q.before_id) select.setUInt64(++n, *q.before_id);
  select.setInt(++n, q.page_size + 1);

  std::vector<ListedComplaint> out;
  ResultSet rs(select.executeQuery());
  while (rs->next()) {
    ListedComplaint& row = out.emplace_back();
    row.id = rs->getUInt64(1);
    iv1::ComplaintSummary& s = row.summary;
    s.set_number(Str(*rs, 2));
    s.set_status(static_cast<iv1::ComplaintStatus>(rs->getInt(3)));
    s.set_category(static_cast<cv1::Category>(rs->getInt(4)));
    s.set_channel(static_cast<cv1::Channel>(rs->getInt(5)));
    s.set_severity(static_cast<cv1::Severity>(rs->getInt(6)));
    s.set_journey_stage(static_cast<cv1::JourneyStage>(rs->getInt(7)));
    s.set_project(Str(*rs, 8));
    s.set_building(Str(*rs, 9));
    s.set_unit(Str(*rs, 10));
    s.set_description_preview(Str(*rs, 11));
    s.set_department_id(Str(*rs, 12));
    if (!rs->isNull(13)) *s.mutable_ack_due() = TimeAt(*rs, 13);
    *s.mutable_received_at() = TimeAt(*rs, 14);
    *s.mutable_updated_at() = TimeAt(*rs, 15);
  }
  return out;
}

std::optional<LockedComplaint> LockByNumber(db::Transaction& tx, const std::string& number) {
  auto& select = tx.Prepare(
      "SELECT id, status, cycle, department_id, ack_due, ack_started_at FROM complaints"
      " WHERE number = ? FOR UPDATE");
  select.setString(1, number);
  ResultSet rs(select.executeQuery());
  if (!rs->next()) return std::nullopt;
  LockedComplaint locked;
  locked.id = rs->getUInt64(1);
  locked.state.status = static_cast<iv1::ComplaintStatus>(rs->getInt(2));
  locked.state.cycle = rs->getInt(3);
  locked.state.department_id = Str(*rs, 4);
  if (!rs->isNull(5)) locked.state.ack_due = db::FromSqlDateTime(Str(*rs, 5));
  if (!rs->isNull(6)) locked.state.ack_started_at = db::FromSqlDateTime(Str(*rs, 6));
  return locked;
}

void ApplyProgress(db::Transaction& tx, const LockedComplaint& complaint, const Progress& p,
                   const Outcome& outcome, absl::Time now, const std::string& event_id) {
  if (outcome.late) {
    // A late event changes nothing but the timeline.
    auto& touch = tx.Prepare("UPDATE complaints SET updated_at = ? WHERE id = ?");
    touch.setDateTime(1, db::ToSqlDateTime(now));
    touch.setUInt64(2, complaint.id);
    touch.executeUpdate();
    if (outcome.entry.type != iv1::TIMELINE_EVENT_TYPE_UNSPECIFIED) {
      InsertTimeline(tx, complaint.id, outcome.entry, event_id);
    }
    return;
  }
  // One statement shape for every event: a flag per optional field says whether to keep it; a
  // deadline's mode is 0 keep, 1 set, 2 clear.
  auto& update = tx.Prepare(
      "UPDATE complaints SET status = ?, cycle = ?,"
      " category = IF(? = 0, category, ?),"
      " department_id = IF(?, ?, department_id),"
      " owner_staff_id = IF(?, ?, owner_staff_id),"
      " ack_due = CASE ? WHEN 0 THEN ack_due WHEN 1 THEN ? ELSE NULL END,"
      " ack_started_at = CASE ? WHEN 0 THEN ack_started_at WHEN 1 THEN ? ELSE NULL END,"
      " solution_due_provisional = CASE ? WHEN 0 THEN solution_due_provisional"
      "   WHEN 1 THEN ? ELSE FALSE END,"
      " solution_due = CASE ? WHEN 0 THEN solution_due WHEN 1 THEN ? ELSE NULL END,"
      " original_solution_due = CASE ? WHEN 0 THEN original_solution_due"
      "   WHEN 1 THEN COALESCE(original_solution_due, ?) ELSE NULL END,"
      " solution = IF(?, ?, solution),"
      " solution_revision = IF(?, ?, solution_revision),"
      " planned_completion = CASE ? WHEN 0 THEN planned_completion WHEN 1 THEN ? ELSE NULL END,"
      " resolution = IF(?, ?, resolution),"
      " tracker_staff_id = IF(?, ?, tracker_staff_id),"
      " callback_due_provisional = CASE ? WHEN 0 THEN callback_due_provisional"
      "   WHEN 1 THEN ? ELSE FALSE END,"
      " callback_due = CASE ? WHEN 0 THEN callback_due WHEN 1 THEN ? ELSE NULL END,"
      " satisfaction = IF(? = 0, satisfaction, ?),"
      " closed_at = IF(?, COALESCE(closed_at, ?), closed_at),"
      " updated_at = ? WHERE id = ?");
  const auto mode = [](Progress::Due d) {
    return d == Progress::Due::kKeep ? 0 : d == Progress::Due::kSet ? 1 : 2;
  };
  int n = 0;
  update.setInt(++n, outcome.status);
  update.setInt(++n, outcome.cycle);
  update.setInt(++n, p.category);
  update.setInt(++n, p.category);
  BindText(update, n, p.department_id);
  BindText(update, n, p.owner_staff_id);
  BindDue(update, n, p.ack_due_change, p.ack_due);
  // The start goes with the deadline; NULL when the event did not tell it.
  update.setInt(++n, mode(p.ack_due_change));
  if (p.ack_due_change == Progress::Due::kSet && p.ack_started_at) {
    update.setDateTime(++n, db::ToSqlDateTime(*p.ack_started_at));
  } else {
    update.setNull(++n, sql::DataType::TIMESTAMP);
  }
  update.setInt(++n, mode(p.solution_due_change));
  update.setBoolean(++n, p.solution_due_provisional);
  BindDue(update, n, p.solution_due_change, p.solution_due);
  BindDue(update, n, p.original_solution_due_change, p.original_solution_due);
  BindText(update, n, p.solution);
  update.setBoolean(++n, p.solution_revision.has_value());
  update.setInt(++n, p.solution_revision.value_or(0));
  BindDue(update, n, p.planned_completion_change, p.planned_completion);
  BindText(update, n, p.resolution);
  BindText(update, n, p.tracker_staff_id);
  update.setInt(++n, mode(p.callback_due_change));
  update.setBoolean(++n, p.callback_due_provisional);
  BindDue(update, n, p.callback_due_change, p.callback_due);
  update.setInt(++n, p.satisfaction);
  update.setInt(++n, p.satisfaction);
  update.setBoolean(++n, p.closed_at.has_value());
  if (p.closed_at) {
    update.setDateTime(++n, db::ToSqlDateTime(*p.closed_at));
  } else {
    update.setNull(++n, sql::DataType::TIMESTAMP);
  }
  update.setDateTime(++n, db::ToSqlDateTime(now));
  update.setUInt64(++n, complaint.id);
  update.executeUpdate();
  // Some steps change the record without a line of their own (see Progress::entry).
  if (outcome.entry.type != iv1::TIMELINE_EVENT_TYPE_UNSPECIFIED) {
    InsertTimeline(tx, complaint.id, outcome.entry, event_id);
  }
}

}  // namespace tousu::intake::repository
