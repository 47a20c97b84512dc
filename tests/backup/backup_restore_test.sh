#!/usr/bin/env bash
# Backup and restore (issue 9): complaints left open at every step of the loop survive a backup,
# a wipe of every schema and a restore, and then finish their lifecycle; nothing lost, nothing
# doubled, and complaint numbers continue without reuse.
#
#   tests/backup/backup_restore_test.sh SOURCE_DIR BUILD_DIR
#
# Starts its own MariaDB and stack under SOURCE_DIR/.local (stopped on exit, even on failure):
#  1. drives complaints through tousuctl into: routed (awaiting acknowledgement), acknowledged
#     (case open), solution proposed, resolved awaiting the callback, reopened after an unsatisfied
#     callback (cycle 2), and one closed; waits until every outbox has drained;
#  2. tools/backup (as the application user over TCP), stops the services, drops all six schemas;
#  3. checks tools/restore refuses a damaged backup, restores (as root, --defaults-file), checks it
#     refuses to restore over the restored schemas without --force, compares every table's row
#     count with the counts before the backup;
#  4. restarts the services, takes each open complaint on to closed, submits a new complaint and
#     checks it gets a fresh number (after every earlier one), and that every complaint is in every
#     service once, with each one-time step once on its timeline.
set -euo pipefail
SRC=$(cd "$1" && pwd)
export TOUSU_BUILD="$2"
source "$SRC/tools/lib.sh"
mkdir -p "$TOUSU_LOCAL"

t0=$(date +%s.%N)
work=$(mktemp -d "$TOUSU_LOCAL/backup-test.XXXXXX")
STACK_PIDS=()
ok=0
stop_stack() {
  local pid
  [ "${#STACK_PIDS[@]}" -gt 0 ] && stack_save_metrics "$work"
  for pid in "${STACK_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${STACK_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  STACK_PIDS=()
}
cleanup() {
  trap - EXIT INT TERM
  stop_stack
  mariadb_stop "$work/mariadb"
  if [ "$ok" -eq 1 ]; then rm -rf "$work"; else rm -rf "$work/mariadb/data"; say "kept $work (logs)"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { say "FAIL: $*"; exit 1; }

db_port=$(free_port)
mariadb_start "$work/mariadb" "$db_port"
cnf="$work/mariadb/my.cnf"
sql() { mariadb --defaults-file="$cnf" -N -B -e "$1"; }
schemas=()
while read -r name _; do schemas+=("tousu_${name//-/_}"); done < <(grep -vE '^\s*(#|$)' "$SRC/deploy/stack.conf")

start_stack() {
  # Analytics' month-end job looks once a day here, not every minute: a month ending (Beijing
  # time) between the row counts and the dump would add its rows to the snapshot and the
  # comparison would fail on that day only.
  stack_start "$work" "$db_port" 0 "MONTH_END_CHECK_INTERVAL=24h"
  export TOUSU_CTL_INTAKE_ADDR="${STACK_GRPC[intake]}" TOUSU_CTL_ROUTING_ADDR="${STACK_GRPC[routing]}"
  export TOUSU_CTL_CASE_ADDR="${STACK_GRPC[case-handling]}" TOUSU_CTL_FOLLOWUP_ADDR="${STACK_GRPC[follow-up]}"
  export TOUSU_CTL_ANALYTICS_ADDR="${STACK_GRPC[analytics]}" TOUSU_CTL_STAFF_ADDR="${STACK_GRPC[staff-assessment]}"
  export TOUSU_CTL_CALENDAR_FILE="$SRC/deploy/calendar/cn-business-calendar.txt"
}
CTL="$TOUSU_BUILD/tools/tousuctl/tousuctl"
# ctl ARGS...: one tousuctl call; retried for up to 15 s while the events it depends on travel.
ctl() {
  local i out
  for i in $(seq 1 50); do
    if out=$("$CTL" "$@" 2>&1); then printf '%s\n' "$out"; return 0; fi
    sleep 0.3
  done
  fail "tousuctl $*: $out"
}
submit() {  # submit PHONE_SUFFIX -> prints the number
  local out
  out=$(ctl submit --name 张三 --phone "1380013${1}" --project 阳光花园 --building 3栋 --unit 1502 \
    --stage property --channel hotline --recorded-by S0006 --severity high --occurred-at now \
    --description "卫生间墙体开裂，雨天渗水" --expected "上门检测并修复")
  grep -oE 'TS-[0-9]{6}-[0-9]+' <<<"$out" | head -1
}
status_of() { sql "SELECT CONCAT(status, '/', cycle) FROM tousu_intake.complaints WHERE number = '$1'"; }
wait_status() {  # wait_status NUMBER STATUS/CYCLE
  local i
  for i in $(seq 1 100); do [ "$(status_of "$1")" = "$2" ] && return 0; sleep 0.2; done
  fail "$1 is $(status_of "$1"), expected $2 (status/cycle)"
}
ack() { ctl ack "$1" --department engineering --owner S0021 >/dev/null; wait_status "$1" 4/1; }
inspect() {  # product quality: the engineering inspection report comes before a solution
  ctl case inspect "$1" --inspector S0019 --severity high --cause "防水层施工缺陷" \
    --findings "东墙防水层断裂约40厘米" --repair "重做卫生间防水层并修补墙面" >/dev/null
}
propose() {
  ctl case propose "$1" --by S0021 --solution "免费重做卫生间防水层并修补墙面" --action "重做防水并闭水试验48小时" \
    --complete-by "2099-12-20 18:00" >/dev/null
}
accept_resolve() {
  ctl case decide "$1" --accept --recorded-by S0021 >/dev/null
  ctl case resolve "$1" --by S0021 --result "防水层已重做，闭水试验合格" >/dev/null
}
callback() { ctl follow-up callback "$1" --agent S0014 --method phone --satisfaction "$2" >/dev/null; }
pending_outbox() {
  local q="" s
  for s in "${schemas[@]}"; do q+="(SELECT COUNT(*) FROM $s.outbox WHERE delivered_at IS NULL)+"; done
  sql "SELECT ${q}0"
}
wait_drained() {
  local i
  for i in $(seq 1 300); do [ "$(pending_outbox)" -eq 0 ] && return 0; sleep 0.2; done
  fail "outboxes did not drain: $(pending_outbox) rows pending"
}
table_counts() {  # every table of every schema with its row count
  local q="" s t
  while read -r s t; do q+="SELECT '$s.$t', COUNT(*) FROM \`$s\`.\`$t\`;"; done < <(sql "
    SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'
      AND table_schema LIKE 'tousu\\_%' ORDER BY 1, 2")
  sql "$q"
}

# --- 1. complaints at every open step, and one closed.
start_stack
routed=$(submit 8001); acked=$(submit 8002); proposed=$(submit 8003); resolved=$(submit 8004)
reopened=$(submit 8005); closed=$(submit 8006)
for n in "$routed" "$acked" "$proposed" "$resolved" "$reopened" "$closed"; do wait_status "$n" 2/0; done
for n in "$acked" "$proposed" "$resolved" "$reopened" "$closed"; do ack "$n"; done
for n in "$proposed" "$resolved" "$reopened" "$closed"; do inspect "$n"; propose "$n"; done
wait_status "$proposed" 5/1
for n in "$resolved" "$reopened" "$closed"; do accept_resolve "$n"; wait_status "$n" 7/1; done
callback "$reopened" 2; wait_status "$reopened" 4/2
callback "$closed" 5; wait_status "$closed" 8/1
wait_drained
say "open complaints: routed $routed, acknowledged $acked, proposed $proposed, resolved $resolved, reopened $reopened; closed $closed"
table_counts >"$work/before.counts"
numbers_before=$(sql "SELECT number FROM tousu_intake.complaints ORDER BY number")

# --- 2. backup (application user, TCP), stop, wipe.
b0=$(date +%s.%N)
"$SRC/tools/backup" "$work/backup" --host 127.0.0.1 --port "$db_port" || fail "tools/backup failed"
backup_s=$(awk -v a="$(date +%s.%N)" -v b="$b0" 'BEGIN{printf "%.2f", a-b}')
backup_bytes=$(stat -c %s "$work/backup/tousu.sql.gz")
grep -q "^migration tousu_intake " "$work/backup/manifest" || fail "the manifest records no intake migration"
stop_stack
for s in "${schemas[@]}"; do sql "DROP DATABASE \`$s\`"; done
[ "$(sql "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name LIKE 'tousu\\_%'")" -eq 0 ] \
  || fail "schemas left after the wipe"

# --- 3. restore: a damaged copy is refused; the real one restores; a second restore is refused.
cp -r "$work/backup" "$work/damaged"
printf 'x' | dd of="$work/damaged/tousu.sql.gz" bs=1 seek=100 conv=notrunc status=none
if "$SRC/tools/restore" "$work/damaged" --defaults-file "$cnf" 2>"$work/damaged.err"; then
  fail "tools/restore accepted a damaged backup"
fi
grep -q "checksum" "$work/damaged.err" || fail "damaged backup refused without naming the checksum: $(cat "$work/damaged.err")"
[ "$(sql "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name LIKE 'tousu\\_%'")" -eq 0 ] \
  || fail "the refused restore wrote something"
r0=$(date +%s.%N)
"$SRC/tools/restore" "$work/backup" --defaults-file "$cnf" || fail "tools/restore failed"
restore_s=$(awk -v a="$(date +%s.%N)" -v b="$r0" 'BEGIN{printf "%.2f", a-b}')
if "$SRC/tools/restore" "$work/backup" --defaults-file "$cnf" 2>"$work/again.err"; then
  fail "tools/restore overwrote non-empty schemas without --force"
fi
grep -q "refusing to overwrite" "$work/again.err" || fail "second restore failed for another reason: $(cat "$work/again.err")"
table_counts >"$work/after.counts"
diff "$work/before.counts" "$work/after.counts" >"$work/counts.diff" || fail "row counts differ after restore: $(cat "$work/counts.diff")"

# --- 4. the services again, and every open complaint on to closed.
start_stack
ack "$routed"
for n in "$routed" "$acked"; do inspect "$n"; propose "$n"; done
wait_status "$routed" 5/1; wait_status "$acked" 5/1
for n in "$routed" "$acked" "$proposed"; do accept_resolve "$n"; wait_status "$n" 7/1; done
propose "$reopened"; accept_resolve "$reopened"; wait_status "$reopened" 7/2
for n in "$routed" "$acked" "$proposed" "$resolved" "$reopened"; do callback "$n" 5; done
for n in "$routed" "$acked" "$proposed" "$resolved"; do wait_status "$n" 8/1; done
wait_status "$reopened" 8/2
wait_status "$closed" 8/1
fresh=$(submit 8007)
wait_status "$fresh" 2/0
wait_drained

# Numbers: the new one is after every earlier one (same month) and was never used before.
grep -qx "$fresh" <<<"$numbers_before" && fail "number $fresh reused"
last_before=$(tail -1 <<<"$numbers_before")
[[ "$fresh" > "$last_before" ]] || fail "new number $fresh is not after $last_before"
# Once in every service.
read -r c_intake c_routing c_cases c_followups c_facts c_staff < <(sql "SELECT
  (SELECT COUNT(*) FROM tousu_intake.complaints), (SELECT COUNT(*) FROM tousu_routing.assignments),
  (SELECT COUNT(*) FROM tousu_case_handling.cases), (SELECT COUNT(*) FROM tousu_follow_up.follow_ups),
  (SELECT COUNT(*) FROM tousu_analytics.complaint_facts), (SELECT COUNT(*) FROM tousu_staff_assessment.complaint_facts)")
[ "$c_intake" -eq 7 ] && [ "$c_routing" -eq 7 ] && [ "$c_facts" -eq 7 ] || fail "complaints: intake $c_intake, routing $c_routing, analytics $c_facts (want 7 each)"
[ "$c_cases" -eq 6 ] && [ "$c_followups" -eq 6 ] || fail "cases $c_cases, follow-ups $c_followups (want 6 each)"
# One-time steps once per complaint: received 1, routed 2, acknowledged 5, case opened 8 (a later
# cycle is told by its reopening, 18), closed 26; once per cycle: resolved 17 (the reopened
# complaint has two cycles, the others one).
dups=$(sql "SELECT c.number, t.event_type, COUNT(*) FROM tousu_intake.complaint_timeline t
  JOIN tousu_intake.complaints c ON c.id = t.complaint_id WHERE t.event_type IN (1, 2, 5, 8, 18, 26)
  GROUP BY c.number, t.event_type HAVING COUNT(*) > 1")
[ -z "$dups" ] || fail "steps repeated on a timeline: $dups"
per_cycle=$(sql "SELECT c.number, t.event_type, COUNT(*) FROM tousu_intake.complaint_timeline t
  JOIN tousu_intake.complaints c ON c.id = t.complaint_id WHERE t.event_type IN (17)
  GROUP BY c.number, t.event_type HAVING COUNT(*) <> IF(c.number = '$reopened', 2, 1)")
[ -z "$per_cycle" ] || fail "resolved steps per complaint not one per cycle: $per_cycle"
closed_facts=$(sql "SELECT COUNT(*) FROM tousu_analytics.complaint_facts WHERE closed_at IS NOT NULL")
[ "$closed_facts" -eq 6 ] || fail "analytics counts $closed_facts closed complaints, want 6"

ok=1
total_s=$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN{printf "%.1f", a-b}')
say "PASS: 6 complaints (5 open) backed up in ${backup_s} s (${backup_bytes} bytes), wiped, restored in ${restore_s} s, all closed; new number $fresh after $last_before; ${total_s} s in all"
