#!/usr/bin/env bash
# Authentication with the tools people use (issue: tokens): the stack as tools/run --auth starts it
# (stack_auth_prepare: development keys, a token per service and per role), tousuctl and the load
# generator with and without tokens, and a key rotation with no restart.
#
#   tests/e2e/cli_auth_test.sh SOURCE_DIR BUILD_DIR
#
#  1. tousuctl without a token is refused (UNAUTHENTICATED) and writes nothing; with a hotline
#     agent's token it records a complaint, which reaches ROUTED (services call each other with
#     their own tokens); a customer's token cannot read it (NOT_FOUND); a supervisor's can.
#  2. the load generator without a token gets only UNAUTHENTICATED; with one, no error.
#  3. rotation: a second key is added, the services' own tokens are re-minted with it, the first
#     key is removed — all while the services run (same pids); old tokens stop working, new ones
#     and the pipeline keep working.
set -euo pipefail
SRC=$(cd "$1" && pwd)
export TOUSU_BUILD="$2"
source "$SRC/tools/lib.sh"
mkdir -p "$TOUSU_LOCAL"

stack_test_begin cli-auth-test

MINT="$TOUSU_BUILD/tools/token/tousu-token"
CTL="$TOUSU_BUILD/tools/tousuctl/tousuctl"
LOADGEN="$TOUSU_BUILD/tools/loadgen/tousu_loadgen"
auth="$work/auth"

db_port=$(free_port)
mariadb_start "$work/mariadb" "$db_port"
sql() { mariadb --defaults-file="$work/mariadb/my.cnf" -N -B -e "$1"; }

stack_auth_prepare "$auth"
export TOUSU_STACK_AUTH_DIR="$auth"
stack_start "$work" "$db_port" 0
export TOUSU_CTL_INTAKE_ADDR="${STACK_GRPC[intake]}" TOUSU_CTL_ROUTING_ADDR="${STACK_GRPC[routing]}"
export TOUSU_CTL_STAFF_ADDR="${STACK_GRPC[staff-assessment]}"
pids_before="${STACK_PIDS[*]}"

mint() {  # mint KEY_NAME SUB ROLE [DEPT]
  "$MINT" mint --key="$auth/private/$1.key" --sub="$2" --role="$3" ${4:+--dept=$4} --ttl=1h
}
"$MINT" mint --key="$auth/private/dev.key" --sub=S0006 --role=hotline_agent --dept=customer-service \
  >"$work/agent.token"
complaints() { sql "SELECT COUNT(*) FROM tousu_intake.complaints"; }
submit() {  # submit [tousuctl flags...] -> the number, or the error output and status 1
  "$CTL" "$@" submit --name 张三 --phone 13800135555 --project 阳光花园 --building 3栋 --unit 1502 \
    --stage property --channel hotline --recorded-by S0006 --severity high --occurred-at now \
    --description "卫生间墙体开裂，雨天渗水" --expected "上门检测并修复" 2>&1
}
wait_routed() {
  local i
  for i in $(seq 1 100); do
    [ "$(sql "SELECT status FROM tousu_intake.complaints WHERE number = '$1'")" = 2 ] && return 0
    sleep 0.2
  done
  fail "$1 never reached ROUTED"
}

# 1. tousuctl
out=$(submit) && fail "submitted without a token: $out"
grep -q UNAUTHENTICATED <<<"$out" || fail "expected UNAUTHENTICATED: $out"
[ "$(complaints)" = 0 ] || fail "a refused call wrote a complaint"
out=$(submit --token-file "$work/agent.token") || fail "submit with a token: $out"
number=$(grep -oE 'TS-[0-9]{6}-[0-9]+' <<<"$out" | head -1)
[ -n "$number" ] || fail "no number in: $out"
wait_routed "$number"
out=$(TOUSU_CTL_TOKEN_FILE="$auth/tokens/customer.token" "$CTL" get "$number" 2>&1) \
  && fail "another customer read $number"
grep -q NOT_FOUND <<<"$out" || fail "expected NOT_FOUND for a customer: $out"
TOUSU_CTL_TOKEN_FILE="$auth/tokens/supervisor.token" "$CTL" get "$number" >/dev/null \
  || fail "a supervisor could not read $number"
say "tousuctl: refused without a token, works with one; $number routed with service tokens"

# 2. the load generator
json=$("$LOADGEN" --target "${STACK_GRPC[intake]}" --mix list --prepare 0 --concurrency 4 \
  --duration 1 --warmup 0 --json 2>&1 || true)
grep -q '"UNAUTHENTICATED"' <<<"$json" || fail "loadgen without a token: $json"
json=$("$LOADGEN" --target "${STACK_GRPC[intake]}" --mix submit --concurrency 4 --duration 1 \
  --warmup 0 --json --token-file "$auth/tokens/supervisor.token" 2>&1) || fail "loadgen: $json"
grep -q '"UNAUTHENTICATED"\|"PERMISSION_DENIED"' <<<"$json" && fail "loadgen with a token: $json"
say "loadgen: refused without a token, no error with one"

# 3. rotation without restart
old_supervisor=$(mint dev S0001 supervisor)
"$MINT" keys "$auth" --kid=next >/dev/null
while read -r name _; do
  mint next "$name" service >"$auth/tokens/service-$name.token.new"
  mv "$auth/tokens/service-$name.token.new" "$auth/tokens/service-$name.token"
done < <(grep -vE '^\s*(#|$)' "$SRC/deploy/stack.conf")
sleep 2  # services re-read their key directory and token file at most once a second
rm "$auth/public/dev.pem"
sleep 2
mint next S0006 hotline_agent customer-service >"$work/agent.token"
echo "$old_supervisor" >"$work/old.token"
out=$(TOUSU_CTL_TOKEN_FILE="$work/old.token" "$CTL" get "$number" 2>&1) \
  && fail "a token of the removed key still works"
grep -q UNAUTHENTICATED <<<"$out" || fail "expected UNAUTHENTICATED for the removed key: $out"
out=$(submit --token-file "$work/agent.token") || fail "submit after rotation: $out"
number2=$(grep -oE 'TS-[0-9]{6}-[0-9]+' <<<"$out" | head -1)
wait_routed "$number2"
[ "${STACK_PIDS[*]}" = "$pids_before" ] || fail "services were restarted"
for pid in "${STACK_PIDS[@]}"; do kill -0 "$pid" || fail "service $pid died"; done
say "rotation: old key refused, new key works, $number2 routed, no restart"

ok=1
say "cli_auth_test passed"
