#!/usr/bin/env bash
# The curl examples of docs/frontends.md, run as written against a fresh stack with its edge (as
# tools/run starts it), so the document stays true: each ```sh block after a
# "<!-- doc-test: NAME -->" line runs in one shell, in order, with GATEWAY and SMS_OUTBOX set;
# between the blocks the staff do their part with tousuctl (acknowledge, inspect, propose; then
# carry out and resolve), as a department would.
#
#   tests/e2e/frontends_doc_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
SRC=$(cd "$1" && pwd)
export TOUSU_BUILD="$2"
source "$SRC/tools/lib.sh"
mkdir -p "$TOUSU_LOCAL"

stack_test_begin frontends-doc-test

db_port=$(free_port)
mariadb_start "$work/mariadb" "$db_port"
stack_auth_prepare "$work/auth"
export TOUSU_STACK_AUTH_DIR="$work/auth"
stack_start "$work" "$db_port" 0
stack_start_edge "$work" "$db_port" 0

# doc_block NAME: the ```sh block after "<!-- doc-test: NAME -->" in docs/frontends.md.
doc_block() {
  awk -v want="<!-- doc-test: $1 -->" '
    $0 == want { armed = 1; next }
    armed && /^```sh/ { inside = 1; next }
    inside && /^```/ { exit }
    inside { print }' "$SRC/docs/frontends.md"
}
for name in customer decision questionnaire; do
  [ -n "$(doc_block "$name")" ] || fail "docs/frontends.md has no doc-test block $name"
done

# The staff's part, through tousuctl as a supervisor would do it (in the session below).
export TOUSU_CTL_TOKEN_FILE="$work/auth/tokens/supervisor.token" CTL="$TOUSU_BUILD/tools/tousuctl/tousuctl"
export TOUSU_CTL_INTAKE_ADDR="${STACK_GRPC[intake]}" TOUSU_CTL_ROUTING_ADDR="${STACK_GRPC[routing]}"
export TOUSU_CTL_CASE_ADDR="${STACK_GRPC[case-handling]}" TOUSU_CTL_FOLLOWUP_ADDR="${STACK_GRPC[follow-up]}"
export TOUSU_CTL_STAFF_ADDR="${STACK_GRPC[staff-assessment]}"
export GATEWAY="$STACK_GATEWAY_URL" SMS_OUTBOX="$STACK_SMS_OUTBOX"

cat >"$work/session.sh" <<SCRIPT
set -euo pipefail
cd "$work"
staff() { "\$CTL" "\$@"; }
echo "== customer"
$(doc_block customer)
echo "== staff: routed, acknowledged, inspected, solution proposed"
for _ in \$(seq 1 100); do
  staff --json get "\$NUMBER" | grep -q '"COMPLAINT_STATUS_ROUTED"\|"routed"' && break; sleep 0.1
done
staff ack "\$NUMBER" --department engineering --owner S0018
for _ in \$(seq 1 100); do staff case get "\$NUMBER" >/dev/null 2>&1 && break; sleep 0.1; done
staff case inspect "\$NUMBER" --inspector S0019 --cause "外墙防水层老化开裂" --severity high \
  --findings "卫生间东侧墙面含水率超标" --repair "重做防水层并修补墙面" >/dev/null
staff case propose "\$NUMBER" --by S0018 --solution "免费重做卫生间防水层并修补墙面" \
  --action "拆除墙砖" --action "重做防水并闭水试验" --complete-by "\$(date -u -d '+20 days' +%Y-%m-%dT%H:%M:%SZ)" >/dev/null
echo "== decision"
$(doc_block decision)
echo "== staff: carried out and resolved"
staff case progress "\$NUMBER" --by S0018 --note "防水层施工完成" >/dev/null
staff case resolve "\$NUMBER" --by S0018 --result "防水层已重做，闭水试验无渗漏" >/dev/null
for _ in \$(seq 1 100); do
  staff --json follow-up get "\$NUMBER" | grep -q 'SCHEDULED' && break; sleep 0.1
done
echo "== questionnaire"
$(doc_block questionnaire)
echo "== the customer's view at the end"
# The answer reaches the complaint through follow-up's event to intake: give it a moment.
for _ in \$(seq 1 100); do
  call complaints.intake.v1.IntakeService/GetComplaint "{\"number\":\"\$NUMBER\"}" >"$work/final.json"
  grep -q '"satisfaction":5' "$work/final.json" && break; sleep 0.1
done
SCRIPT
bash "$work/session.sh" >"$work/session.out" 2>&1 || { cat "$work/session.out"; fail "a documented command failed"; }
cat "$work/session.out"

number=$(grep -o 'filed TS-[0-9]*-[0-9]*' "$work/session.out" | head -1 | cut -d' ' -f2)
[ -n "$number" ] || fail "the submit example printed no complaint number"
grep -qx "$number" "$work/session.out" || fail "ListComplaints did not list $number"
grep -q '已受理\|received\|受理' "$work/session.out" || grep -qE '^20[0-9-]+T[0-9:.]+Z  ' "$work/session.out" \
  || fail "the timeline example printed no entry"
jq -e '.complaint.satisfaction == 5' "$work/final.json" >/dev/null \
  || fail "the questionnaire answer is not on the complaint: $(cat "$work/final.json")"
say "docs/frontends.md: every example ran; $number filed, decided and answered by the customer"
ok=1
