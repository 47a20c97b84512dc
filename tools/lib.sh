#!/usr/bin/env bash
# Shared by tools/run and tools/test: install what is missing, build, run a private MariaDB.
# Sourced, not executed.

TOUSU_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOUSU_LOCAL="$TOUSU_ROOT/.local"   # git-ignored: databases, logs, pid files
TOUSU_BUILD="${TOUSU_BUILD:-$TOUSU_ROOT/build}"

say() { printf '[tousu] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# Installs every package of deploy/packages.txt that is not installed yet.
ensure_packages() {
  local wanted missing=()
  wanted=$(grep -vE '^\s*(#|$)' "$TOUSU_ROOT/deploy/packages.txt")
  for p in $wanted; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" \
      >"$TOUSU_LOCAL/apt.log" 2>&1 || { tail -20 "$TOUSU_LOCAL/apt.log"; die "apt-get install failed"; }
  fi
}

# Installs the npm packages of tests/ops/package-lock.json (offline Kubernetes schema validation)
# into .local/ops-node, once per lockfile change, so the tests themselves need no network. Node.js
# and npm come from the machine, or from Debian's nodejs and npm packages when missing.
ensure_ops_node_modules() {
  local dir="$TOUSU_LOCAL/ops-node" lock="$TOUSU_ROOT/tests/ops/package-lock.json"
  if ! command -v npm >/dev/null 2>&1; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    say "installing nodejs and npm"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
      --no-install-recommends nodejs npm >"$TOUSU_LOCAL/apt.log" 2>&1 || die "installing npm failed"
  fi
  if [ -d "$dir/node_modules" ] && cmp -s "$lock" "$dir/package-lock.json"; then return 0; fi
  mkdir -p "$dir"
  cp "$TOUSU_ROOT/tests/ops/package.json" "$lock" "$dir/"
  say "installing npm packages for tests/ops"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >"$dir/npm.log" 2>&1) \
    || { tail -20 "$dir/npm.log"; rm -f "$dir/package-lock.json"; die "npm ci failed"; }
}

# Configures (once) and builds everything; RelWithDebInfo = optimised with symbols for profiling.
build_all() {
  local type="${TOUSU_BUILD_TYPE:-RelWithDebInfo}"
  if [ ! -f "$TOUSU_BUILD/build.ninja" ]; then
    cmake -S "$TOUSU_ROOT" -B "$TOUSU_BUILD" -G Ninja -DCMAKE_BUILD_TYPE="$type" >/dev/null \
      || die "cmake configure failed"
  fi
  # Two jobs: the machine has two cores and gRPC translation units are large.
  cmake --build "$TOUSU_BUILD" -j "${TOUSU_JOBS:-2}" || die "build failed"
}

# project_cxx_sources: the project's own C++ sources (.cc and .h), relative to TOUSU_ROOT, one per
# line: tracked and new files git does not ignore (build trees, .local), or a walk of the tree when
# it is not a git checkout.
project_cxx_sources() {
  if git -C "$TOUSU_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$TOUSU_ROOT" ls-files --cached --others --exclude-standard -- '*.cc' '*.h' |
      while read -r f; do [ -f "$TOUSU_ROOT/$f" ] && echo "$f"; done
  else
    (cd "$TOUSU_ROOT" && find . \( -path ./.local -o -path './build*' \) -prune -o \
      -type f \( -name '*.cc' -o -name '*.h' \) -print | sed 's|^\./||' | sort)
  fi
}

# free_port: a port free on 127.0.0.1 now, from 10000-32767: below the kernel's ephemeral range
# (32768-60999), where outgoing connections take their local ports, so none of those can take it
# between this pick and the server binding it (a port the kernel hands out for bind(0) is in that
# range, and a test stack's many connections made that race real).
free_port() {
  python3 -c '
import random, socket
for _ in range(200):
    port = random.randint(10000, 32767)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
'
}

# mariadb_durability_settings: the my.cnf lines that decide what a committed transaction
# survives, for every MariaDB these scripts start (tools/run, the tests, the fault runs and the
# benchmarks; docs/durability.md).
#   durable (the default): the redo log is written and flushed to disk before COMMIT returns
#     (innodb_flush_log_at_trx_commit=1; sync_binlog=1 should a binary log ever be turned on),
#     so a power cut, kernel panic or VM reset loses no complaint whose submitter was told
#     "received".
#   relaxed (TOUSU_DB_DURABILITY=relaxed, named on purpose and never the default): flushed about
#     once a second instead; a crash of mariadbd alone loses nothing, a crash of the machine loses
#     up to about a second of acknowledged commits. For throwaway measurements only; says so.
mariadb_durability_settings() {
  case "${TOUSU_DB_DURABILITY:-durable}" in
    durable) printf '%s\n' innodb_flush_log_at_trx_commit=1 sync_binlog=1 ;;
    relaxed)
      say "WARNING: TOUSU_DB_DURABILITY=relaxed: commits reach the disk about once a second; a power" \
          "cut or machine crash can lose up to a second of complaints already acknowledged as received"
      printf '%s\n' innodb_flush_log_at_trx_commit=2 sync_binlog=0 ;;
    *) return 1 ;;
  esac
}

# mariadb_durability_of CLIENT_ARGS...: what a running server reports about the settings above, as
# "flush=N sync_binlog=N log_bin=ON|OFF" (e.g. mariadb_durability_of --defaults-file=DIR/my.cnf).
mariadb_durability_of() {
  mariadb "$@" -N -e "SELECT CONCAT('flush=', @@innodb_flush_log_at_trx_commit,
                                    ' sync_binlog=', @@sync_binlog, ' log_bin=', @@log_bin)"
}

# mariadb_start DIR PORT: a private MariaDB in DIR (created on first use) listening on
# 127.0.0.1:PORT, utf8mb4, time-zone tables loaded, application user 'tousu' able to use every
# database named tousu_*, durable unless TOUSU_DB_DURABILITY=relaxed (above). Prints nothing
# (but the relaxed mode's warning); sets MARIADB_PID.
mariadb_start() {
  local dir port="$2" fresh=0 durability
  durability=$(mariadb_durability_settings) \
    || die "TOUSU_DB_DURABILITY must be durable (the default) or relaxed, not '${TOUSU_DB_DURABILITY:-}'"
  dir=$(realpath -m "$1")
  mkdir -p "$dir"
  local cnf="$dir/my.cnf"
  cat >"$cnf" <<CNF
[mysqld]
datadir=$dir/data
socket=$dir/mysqld.sock
pid-file=$dir/mysqld.pid
log-error=$dir/error.log
port=$port
bind-address=127.0.0.1
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
default-time-zone=+00:00
max_connections=600
innodb_buffer_pool_size=512M
innodb_log_file_size=256M
$durability
$( [ "$(id -u)" -eq 0 ] && echo "user=root" )
[client]
socket=$dir/mysqld.sock
default-character-set=utf8mb4
CNF
  if [ ! -d "$dir/data/mysql" ]; then
    fresh=1
    mariadb-install-db --defaults-file="$cnf" --auth-root-authentication-method=socket \
      --skip-test-db >"$dir/install.log" 2>&1 || { cat "$dir/install.log"; die "mariadb-install-db failed"; }
  fi
  mariadbd --defaults-file="$cnf" >>"$dir/stdout.log" 2>&1 &
  MARIADB_PID=$!
  local i
  for i in $(seq 1 300); do
    if mariadb-admin --defaults-file="$cnf" ping >/dev/null 2>&1; then break; fi
    kill -0 "$MARIADB_PID" 2>/dev/null || { tail -20 "$dir/error.log"; die "mariadbd exited"; }
    sleep 0.1
  done
  mariadb-admin --defaults-file="$cnf" ping >/dev/null 2>&1 || die "mariadbd did not answer"
  if [ "$fresh" -eq 1 ]; then
    mariadb-tzinfo-to-sql /usr/share/zoneinfo 2>/dev/null | mariadb --defaults-file="$cnf" mysql \
      || die "loading time-zone tables failed"
    mariadb --defaults-file="$cnf" <<SQL || die "creating the application user failed"
CREATE USER IF NOT EXISTS 'tousu'@'127.0.0.1' IDENTIFIED BY '${TOUSU_DB_PASSWORD:-tousu-local}';
GRANT ALL PRIVILEGES ON \`tousu\\_%\`.* TO 'tousu'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
  fi
}

# mariadb_stop DIR: clean shutdown (falls back to SIGKILL after 30 s); returns once it is gone, so
# the next start on the same directory or port finds both free.
mariadb_stop() {
  local dir="$1" pid
  [ -f "$dir/mysqld.pid" ] || return 0
  pid=$(cat "$dir/mysqld.pid" 2>/dev/null) || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  local signal tenths i
  for signal in "KILL 300" "- 50"; do   # up to 30 s after TERM, then 5 s after KILL
    tenths=${signal#* }
    for i in $(seq 1 "$tenths"); do
      kill -0 "$pid" 2>/dev/null || return 0
      sleep 0.1
    done
    [ "${signal% *}" = - ] || kill -"${signal% *}" "$pid" 2>/dev/null || true
  done
}

# stack_service_env NAME ENV GRPC_ADDR METRICS_ADDR DB_PORT PEERS EXTRA COMMON SERVICES: the
# environment one service of deploy/stack.conf starts with (its addresses, database, data files,
# peers, every other service's address from STACK_GRPC, the stack.conf EXTRA repo paths and the
# COMMON KEY=VALUE settings; with TOUSU_STACK_TLS_DIR set, mutual TLS with the certificates
# tools/dev-certs wrote there), in the array SERVICE_ENV.
stack_service_env() {
  local name="$1" env="$2" grpc_addr="$3" metrics_addr="$4" db_port="$5" peers="$6"
  local extra="$7" common="$8" services="$9" p="TOUSU_${2}_" other oenv kv kvs
  SERVICE_ENV=(
    "${p}GRPC_ADDR=$grpc_addr" "${p}METRICS_ADDR=$metrics_addr"
    "${p}DB_HOST=127.0.0.1" "${p}DB_PORT=$db_port" "${p}DB_USER=tousu"
    "${p}DB_PASSWORD=${TOUSU_DB_PASSWORD:-tousu-local}" "${p}DB_NAME=tousu_${name//-/_}"
    "${p}SUBSCRIPTIONS_FILE=$TOUSU_ROOT/deploy/subscriptions.txt" "${p}PEERS=$peers"
    "${p}CALENDAR_FILE=$TOUSU_ROOT/deploy/calendar/cn-business-calendar.txt"
  )
  while read -r other oenv _; do
    SERVICE_ENV+=("${p}${oenv}_ADDR=${STACK_GRPC[$other]}")
  done <<<"$services"
  if [ -n "$extra" ]; then
    IFS=',' read -ra kvs <<<"$extra"
    for kv in "${kvs[@]}"; do SERVICE_ENV+=("${p}${kv%%=*}=$TOUSU_ROOT/${kv#*=}"); done
  fi
  if [ -n "$common" ]; then
    IFS=',' read -ra kvs <<<"$common"
    for kv in "${kvs[@]}"; do SERVICE_ENV+=("${p}$kv"); done
  fi
  # The notification service's channels: the local SMS provider, chat robot and mail server that
  # notification_sinks_start runs (without them its SMS, webhook and email deliveries wait).
  if [ "$name" = notification ] && [ -n "${NOTIFY_SMS_ENDPOINT:-}" ]; then
    SERVICE_ENV+=("${p}SMS_ENDPOINT=$NOTIFY_SMS_ENDPOINT" "${p}SMS_ACCESS_KEY_ID=$NOTIFY_SMS_ACCESS_KEY_ID"
                  "${p}SMS_SECRET_FILE=$NOTIFY_SMS_SECRET_FILE" "${p}SMTP_URL=$NOTIFY_SMTP_URL"
                  "${p}STAFF_WEBHOOK_URL_FILE=$NOTIFY_WEBHOOK_URL_FILE"
                  "${p}MANAGEMENT_EMAILS=management@tousu.example")
  fi
  # Opt-in authentication: keys and tokens from stack_auth_prepare DIR.
  if [ -n "${TOUSU_STACK_AUTH_DIR:-}" ]; then
    SERVICE_ENV+=("${p}AUTH_KEYS=$TOUSU_STACK_AUTH_DIR/public"
                  "${p}AUTH_TOKEN_FILE=$TOUSU_STACK_AUTH_DIR/tokens/service-$name.token")
  fi
  # Opt-in mutual TLS: certificates from tools/dev-certs DIR (NAME.pem, NAME.key, ca.pem).
  if [ -n "${TOUSU_STACK_TLS_DIR:-}" ]; then
    SERVICE_ENV+=("${p}TLS_CERT=$TOUSU_STACK_TLS_DIR/$name.pem" "${p}TLS_KEY=$TOUSU_STACK_TLS_DIR/$name.key"
                  "${p}TLS_CA=$TOUSU_STACK_TLS_DIR/ca.pem")
  fi
}

# stack_auth_prepare DIR: development signing keys and tokens for a stack with authentication on
# (export TOUSU_STACK_AUTH_DIR=DIR before stack_start): DIR/public is every service's AUTH_KEYS,
# DIR/tokens/service-NAME.token each service's own identity, and DIR/tokens/ROLE.token a person
# of each role for tousuctl --token-file (departmental roles in the seed's "engineering"
# department; staff ids S-DEV-ROLE; customer C-DEV-1). Tokens last 30 days; run it again to renew them.
stack_auth_prepare() {
  local dir="$1" mint="$TOUSU_BUILD/tools/token/tousu-token" name role dept
  [ -x "$mint" ] || die "$mint missing: build first"
  mkdir -p "$dir/tokens" && chmod 700 "$dir/tokens"
  [ -f "$dir/private/dev.key" ] || "$mint" keys "$dir" --kid=dev >/dev/null || die "key generation failed"
  # identity's secret for hashing sign-in codes
  [ -f "$dir/private/code-secret" ] || (umask 077 && head -c 32 /dev/urandom | base64 >"$dir/private/code-secret")
  while read -r name _; do
    "$mint" mint --key="$dir/private/dev.key" --sub="$name" --role=service --ttl=720h \
      >"$dir/tokens/service-$name.token" || die "minting a token failed"
  done < <(grep -hvE '^\s*(#|$)' "$TOUSU_ROOT/deploy/stack.conf" "$TOUSU_ROOT/deploy/edge.conf")
  for role in customer hotline_agent reception coordinator handler engineer supervisor tracker \
              callback_agent analyst manager hr; do
    dept=""
    case "$role" in reception|handler|engineer|tracker|callback_agent|hotline_agent) dept="--dept=engineering" ;; esac
    name="S-DEV-${role^^}"; name="${name//_/-}"; [ "$role" = customer ] && name="C-DEV-1"
    "$mint" mint --key="$dir/private/dev.key" --sub="$name" --role="$role" $dept --ttl=720h \
      >"$dir/tokens/$role.token" || die "minting a token failed"
  done
}

# stack_logs_dir DIR: makes DIR/logs, where a stack's service logs go. With TOUSU_TEST_LOG_DIR set
# (tools/test), DIR/logs is a link to a folder of its own under it instead, so that every service
# log of the test run outlives DIR and the PII check (tests/pii) reads it.
stack_logs_dir() {
  local dir="$1" own
  [ -e "$dir/logs" ] && return 0
  [ -L "$dir/logs" ] && rm -f "$dir/logs"   # left by an earlier test run's emptied folder
  if [ -n "${TOUSU_TEST_LOG_DIR:-}" ]; then
    own="$TOUSU_TEST_LOG_DIR/$(basename "$0")-$(basename "$dir")-$$"
    mkdir -p "$own" && ln -s "$own" "$dir/logs" && return 0
  fi
  mkdir -p "$dir/logs"
}

# stack_save_metrics DIR: with TOUSU_TEST_LOG_DIR set, saves the /metrics exposition of every
# service of the stack (STACK_METRICS, or STACK_REPLICA_METRICS for replicas) next to its logs
# as NAME.TIME.metrics, for the PII check of metric labels. Call it before stopping the stack.
stack_save_metrics() {
  local dir="$1" key at
  [ -n "${TOUSU_TEST_LOG_DIR:-}" ] || return 0
  at=$(date +%s%N)
  stack_logs_dir "$dir"
  if declare -p STACK_REPLICA_METRICS >/dev/null 2>&1 && [ "${#STACK_REPLICA_METRICS[@]}" -gt 0 ]; then
    for key in "${!STACK_REPLICA_METRICS[@]}"; do
      curl -s --max-time 2 "http://${STACK_REPLICA_METRICS[$key]}/metrics" \
        >"$dir/logs/${key//\//.}.$at.metrics" 2>/dev/null || true
    done
  elif declare -p STACK_METRICS >/dev/null 2>&1; then
    for key in "${!STACK_METRICS[@]}"; do
      curl -s --max-time 2 "http://${STACK_METRICS[$key]}/metrics" >"$dir/logs/$key.$at.metrics" 2>/dev/null || true
    done
  fi
}

# stack_start DIR DB_PORT PORT_BASE [KEY=VALUE,...]: starts every service of deploy/stack.conf
# against the MariaDB on 127.0.0.1:DB_PORT (see mariadb_start; its my.cnf in DIR/mariadb), as
# tools/run does, logs in DIR/logs; waits until each is SERVING and loads its deploy/seed/*.sql.
# Ports: gRPC PORT_BASE+i and metrics PORT_BASE+100+i for the i-th service, free ones when
# PORT_BASE is 0, those of deploy/stack.conf when it is "conf". KEY=VALUE settings go to every service (e.g. QUEUE=512). Sets STACK_PIDS
# (array), STACK_GRPC and STACK_METRICS (name -> address) and STACK_PID (name -> pid); stop with
# kill -TERM "${STACK_PIDS[@]}".
stack_start() {
  local dir="$1" db_port="$2" base="$3" common="${4:-}"
  local cnf="$dir/mariadb/my.cnf" services peers="" i=0 name env grpc metrics bin extra
  stack_logs_dir "$dir"
  STACK_PIDS=()
  declare -gA STACK_GRPC=() STACK_METRICS=() STACK_PID=()
  services=$(grep -vE '^\s*(#|$)' "$TOUSU_ROOT/deploy/stack.conf")
  while read -r name env grpc metrics bin extra; do
    if [ "$base" = conf ]; then :  # the ports deploy/stack.conf gives (tools/run)
    elif [ "$base" -eq 0 ]; then grpc=$(free_port); metrics=$(free_port)
    else grpc=$((base + i)); metrics=$((base + 100 + i)); fi
    STACK_GRPC[$name]="127.0.0.1:$grpc"
    STACK_METRICS[$name]="127.0.0.1:$metrics"
    peers="${peers:+$peers,}$name=127.0.0.1:$grpc"
    i=$((i + 1))
  done <<<"$services"
  while read -r name env grpc metrics bin extra; do
    local db="tousu_${name//-/_}"
    mariadb --defaults-file="$cnf" -e "CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" \
      || die "creating $db failed"
    stack_service_env "$name" "$env" "${STACK_GRPC[$name]}" "${STACK_METRICS[$name]}" "$db_port" \
      "$peers" "${extra:-}" "$common" "$services"
    env "${SERVICE_ENV[@]}" "$TOUSU_BUILD/$bin" >>"$dir/logs/$name.log" 2>&1 &
    STACK_PIDS+=($!)
    STACK_PID[$name]=$!
  done <<<"$services"
  while read -r name env grpc metrics bin extra; do
    for _ in $(seq 1 300); do
      grep -q '"health: SERVING"' "$dir/logs/$name.log" 2>/dev/null && break
      kill -0 "${STACK_PID[$name]}" 2>/dev/null || break
      sleep 0.1
    done
    grep -q '"health: SERVING"' "$dir/logs/$name.log" || die "$name did not become SERVING (see $dir/logs/$name.log)"
    if [ -f "$TOUSU_ROOT/deploy/seed/$name.sql" ]; then
      mariadb --defaults-file="$cnf" "tousu_${name//-/_}" <"$TOUSU_ROOT/deploy/seed/$name.sql" \
        || die "loading deploy/seed/$name.sql failed"
    fi
  done <<<"$services"
}

# stack_test_begin NAME: for a shell test that starts its own MariaDB and stack. Makes the work
# folder $work under .local, empties STACK_PIDS, and traps EXIT to save the stack's metrics (for the
# PII check), stop every process of STACK_PIDS and the database, and remove $work — or keep its logs
# (and say so) unless the test set ok=1 at its end. Defines fail MESSAGE (exits 1).
stack_test_begin() {
  work=$(mktemp -d "$TOUSU_LOCAL/$1.XXXXXX")
  STACK_PIDS=()
  ok=0
  trap stack_test_end EXIT
  trap 'exit 130' INT TERM
}
stack_test_end() {
  trap - EXIT INT TERM
  local pid
  [ "${#STACK_PIDS[@]}" -gt 0 ] && stack_save_metrics "$work"
  for pid in "${STACK_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${STACK_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  mariadb_stop "$work/mariadb"
  if [ "$ok" -eq 1 ]; then rm -rf "$work"; else rm -rf "$work/mariadb/data"; say "kept $work (logs)"; fi
}
fail() { say "FAIL: $*"; exit 1; }

# stack_start_edge DIR DB_PORT PORT_BASE [KEY=VALUE,...]: starts the processes of deploy/edge.conf
# (identity, the gateway) after stack_start, with the ports rules of stack_start (PORT_BASE "conf":
# edge.conf's own). Needs authentication on (stack_auth_prepare, TOUSU_STACK_AUTH_DIR): identity
# signs customers' tokens with the stack's development key. Codes "sent" by SMS land in
# DIR/sms-outbox.jsonl (STACK_SMS_OUTBOX). Adds to STACK_PIDS, STACK_GRPC, STACK_METRICS and
# STACK_PID; sets STACK_GATEWAY_URL (http://127.0.0.1:PORT).
stack_start_edge() {
  local dir="$1" db_port="$2" base="$3" common="${4:-}"
  local cnf="$dir/mariadb/my.cnf" services edge peers="" i=0 name env grpc metrics http bin extra
  [ -n "${TOUSU_STACK_AUTH_DIR:-}" ] || die "stack_start_edge: authentication must be on (stack_auth_prepare)"
  services=$(grep -vE '^\s*(#|$)' "$TOUSU_ROOT/deploy/stack.conf")
  edge=$(grep -vE '^\s*(#|$)' "$TOUSU_ROOT/deploy/edge.conf")
  STACK_SMS_OUTBOX="$dir/sms-outbox.jsonl"
  : >"$STACK_SMS_OUTBOX"
  local -A http_addr=()
  while read -r name env grpc metrics http bin extra; do
    if [ "$base" = conf ]; then :
    elif [ "$base" -eq 0 ]; then grpc=$(free_port); metrics=$(free_port); [ "$http" = - ] || http=$(free_port)
    else grpc=$((base + 50 + i)); metrics=$((base + 150 + i)); [ "$http" = - ] || http=$((base + 80 + i)); fi
    STACK_GRPC[$name]="127.0.0.1:$grpc"
    STACK_METRICS[$name]="127.0.0.1:$metrics"
    [ "$http" = - ] || http_addr[$name]="127.0.0.1:$http"
    i=$((i + 1))
  done <<<"$edge"
  while read -r name _; do peers="${peers:+$peers,}$name=${STACK_GRPC[$name]}"; done <<<"$services"
  local everyone
  everyone=$(printf '%s\n%s\n' "$services" "$(awk '{print $1, $2}' <<<"$edge")")
  while read -r name env grpc metrics http bin extra; do
    mariadb --defaults-file="$cnf" -e "CREATE DATABASE IF NOT EXISTS \`tousu_${name//-/_}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" \
      || die "creating tousu_${name//-/_} failed"
    stack_service_env "$name" "$env" "${STACK_GRPC[$name]}" "${STACK_METRICS[$name]}" "$db_port" \
      "$peers" "${extra:-}" "$common" "$everyone"
    local p="TOUSU_${env}_"
    [ -n "${http_addr[$name]:-}" ] && SERVICE_ENV+=("${p}HTTP_ADDR=${http_addr[$name]}")
    if [ "$name" = identity ]; then
      SERVICE_ENV+=("${p}SIGNING_KEY=$TOUSU_STACK_AUTH_DIR/private/dev.key" "${p}SIGNING_KEY_ID=dev"
                    "${p}CODE_SECRET_FILE=$TOUSU_STACK_AUTH_DIR/private/code-secret"
                    "${p}SMS_OUTBOX_FILE=$STACK_SMS_OUTBOX")
    fi
    env "${SERVICE_ENV[@]}" "$TOUSU_BUILD/$bin" >>"$dir/logs/$name.log" 2>&1 &
    STACK_PIDS+=($!)
    STACK_PID[$name]=$!
  done <<<"$edge"
  while read -r name _; do
    for _ in $(seq 1 300); do
      grep -q '"health: SERVING"' "$dir/logs/$name.log" 2>/dev/null && break
      kill -0 "${STACK_PID[$name]}" 2>/dev/null || break
      sleep 0.1
    done
    grep -q '"health: SERVING"' "$dir/logs/$name.log" || die "$name did not become SERVING (see $dir/logs/$name.log)"
  done <<<"$edge"
  STACK_GATEWAY_URL="http://${http_addr[gateway]}"
}

# stack_service_start DIR DB_PORT NAME GRPC_ADDR METRICS_ADDR LOG [KEY=VALUE,...]: starts one
# service of deploy/stack.conf (again, after a kill, or as a replica) the way stack_start does,
# listening on GRPC_ADDR and METRICS_ADDR, its peers and the other services at the addresses of
# STACK_GRPC (set by stack_start or stack_start_replicas; a service's replicas there as
# "127.0.0.1:A|127.0.0.1:B"), logging to DIR/logs/LOG.log. Does not wait; sets SERVICE_PID.
stack_service_start() {
  local dir="$1" db_port="$2" want="$3" grpc_addr="$4" metrics_addr="$5" log="$6" common="${7:-}"
  local services name env grpc metrics bin extra peers="" found=0
  services=$(grep -vE '^\s*(#|$)' "$TOUSU_ROOT/deploy/stack.conf")
  while read -r name env grpc metrics bin extra; do
    peers="${peers:+$peers,}$name=${STACK_GRPC[$name]}"
  done <<<"$services"
  while read -r name env grpc metrics bin extra; do
    [ "$name" = "$want" ] || continue
    found=1
    stack_service_env "$name" "$env" "$grpc_addr" "$metrics_addr" "$db_port" "$peers" \
      "${extra:-}" "$common" "$services"
    stack_logs_dir "$dir"
    env "${SERVICE_ENV[@]}" "$TOUSU_BUILD/$bin" >>"$dir/logs/$log.log" 2>&1 &
    SERVICE_PID=$!
  done <<<"$services"
  [ "$found" -eq 1 ] || die "no service $want in deploy/stack.conf"
}

# stack_wait_serving LOGFILE PID BEFORE [TIMEOUT_S]: waits until LOGFILE holds more than BEFORE
# '"health: SERVING"' lines (a restarted process appends to its predecessor's log); fails when
# PID exits or TIMEOUT_S (30) passes.
stack_wait_serving() {
  local log="$1" pid="$2" before="$3" timeout="${4:-30}" i n
  for i in $(seq 1 $((timeout * 10))); do
    n=$(grep -c '"health: SERVING"' "$log" 2>/dev/null || true)
    [ "${n:-0}" -gt "$before" ] && return 0
    kill -0 "$pid" 2>/dev/null || { say "pid $pid exited (see $log)"; return 1; }
    sleep 0.1
  done
  say "no SERVING in $log after ${timeout}s"
  return 1
}

# stack_start_replicas DIR DB_PORT REPLICAS [KEY=VALUE,...]: like stack_start with free ports,
# but REPLICAS processes of every service against the same schema. STACK_GRPC[name] is
# "127.0.0.1:A|127.0.0.1:B" (what peers and clients dial); replica r (1-based) of a service has
# STACK_REPLICA_GRPC[name/r], STACK_REPLICA_METRICS[name/r], STACK_REPLICA_PID[name/r] and logs
# to DIR/logs/name.r.log; every pid is in STACK_PIDS.
stack_start_replicas() {
  local dir="$1" db_port="$2" replicas="$3" common="${4:-}"
  local cnf="$dir/mariadb/my.cnf" services name r addrs before
  STACK_PIDS=()
  declare -gA STACK_GRPC=() STACK_METRICS=() STACK_PID=() STACK_REPLICA_GRPC=()
  declare -gA STACK_REPLICA_METRICS=() STACK_REPLICA_PID=()
  services=$(grep -vE '^\s*(#|$)' "$TOUSU_ROOT/deploy/stack.conf" | awk '{print $1}')
  for name in $services; do
    addrs=""
    for r in $(seq 1 "$replicas"); do
      STACK_REPLICA_GRPC[$name/$r]="127.0.0.1:$(free_port)"
      STACK_REPLICA_METRICS[$name/$r]="127.0.0.1:$(free_port)"
      addrs="${addrs:+$addrs|}${STACK_REPLICA_GRPC[$name/$r]}"
    done
    STACK_GRPC[$name]="$addrs"
    STACK_METRICS[$name]="${STACK_REPLICA_METRICS[$name/1]}"
    mariadb --defaults-file="$cnf" -e "CREATE DATABASE IF NOT EXISTS \`tousu_${name//-/_}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" \
      || die "creating tousu_${name//-/_} failed"
  done
  for name in $services; do
    for r in $(seq 1 "$replicas"); do
      stack_service_start "$dir" "$db_port" "$name" "${STACK_REPLICA_GRPC[$name/$r]}" \
        "${STACK_REPLICA_METRICS[$name/$r]}" "$name.$r" "$common"
      STACK_REPLICA_PID[$name/$r]=$SERVICE_PID
      STACK_PIDS+=("$SERVICE_PID")
    done
    STACK_PID[$name]=${STACK_REPLICA_PID[$name/1]}
  done
  for name in $services; do
    for r in $(seq 1 "$replicas"); do
      stack_wait_serving "$dir/logs/$name.$r.log" "${STACK_REPLICA_PID[$name/$r]}" 0 60 \
        || die "$name replica $r did not become SERVING (see $dir/logs/$name.$r.log)"
    done
    if [ -f "$TOUSU_ROOT/deploy/seed/$name.sql" ]; then
      mariadb --defaults-file="$cnf" "tousu_${name//-/_}" <"$TOUSU_ROOT/deploy/seed/$name.sql" \
        || die "loading deploy/seed/$name.sql failed"
    fi
  done
}

# ------------------------------------------------------------------------------------------------
# Notification stand-ins: the SMS provider, the staff chat robot and a mail server, all local
# (tests/support/provider_standin.py and tests/support/mail_sink.sh), for the tests and tools/run.
# ------------------------------------------------------------------------------------------------

# notification_sinks_start DIR [TEMPLATES]: starts the SMS provider and chat robot stand-in and the
# mail sink on free ports, state and logs in DIR (DIR/sms.jsonl, DIR/webhook.jsonl, the Maildir
# DIR/maildir); the provider renders texts from TEMPLATES (deploy/notification/templates.txt).
# Returns once both accept connections. Exports NOTIFY_SMS_ENDPOINT and NOTIFY_SMS_CONTROL (both
# http://127.0.0.1:PORT/; the control endpoints are __control, __messages, __webhooks, __stats),
# NOTIFY_WEBHOOK_URL (.../webhook/staff) and NOTIFY_WEBHOOK_URL_FILE (a file holding it),
# NOTIFY_SMTP_URL (smtp://127.0.0.1:PORT), NOTIFY_MAILDIR, NOTIFY_SMS_ACCESS_KEY_ID,
# NOTIFY_SMS_SECRET_FILE and NOTIFY_SINKS_DIR; adds both pids to NOTIFY_SINK_PIDS. Stop with
# notification_sinks_stop.
notification_sinks_start() {
  local dir templates="${2:-$TOUSU_ROOT/deploy/notification/templates.txt}" port pid
  dir=$(realpath -m "$1")
  mkdir -p "$dir"
  [ -f "$templates" ] || die "notification templates missing: $templates"
  declare -ga NOTIFY_SINK_PIDS=()
  export NOTIFY_SINKS_DIR="$dir" NOTIFY_MAILDIR="$dir/maildir"
  export NOTIFY_SMS_ACCESS_KEY_ID="LTAI-tousu-local" NOTIFY_SMS_SECRET_FILE="$dir/sms-secret"
  # Kept across restarts on the same DIR, so a service configured earlier still signs correctly.
  [ -s "$NOTIFY_SMS_SECRET_FILE" ] \
    || (umask 077 && head -c 24 /dev/urandom | base64 >"$NOTIFY_SMS_SECRET_FILE")

  port=$(free_port)
  rm -f "$dir/provider.port"
  # /usr/bin/python3: the stand-in needs only the standard library, but must not depend on PATH.
  /usr/bin/python3 "$TOUSU_ROOT/tests/support/provider_standin.py" --port "$port" \
    --port-file "$dir/provider.port" --state-dir "$dir" --templates "$templates" \
    --access-key-id "$NOTIFY_SMS_ACCESS_KEY_ID" --access-key-secret-file "$NOTIFY_SMS_SECRET_FILE" \
    </dev/null >>"$dir/provider.log" 2>&1 &
  pid=$!
  NOTIFY_SINK_PIDS+=("$pid")
  for _ in $(seq 1 100); do
    [ -s "$dir/provider.port" ] && break
    kill -0 "$pid" 2>/dev/null \
      || { tail -5 "$dir/provider.log" >&2; die "the provider stand-in exited"; }
    sleep 0.1
  done
  [ -s "$dir/provider.port" ] || die "the provider stand-in did not listen (see $dir/provider.log)"
  export NOTIFY_SMS_ENDPOINT="http://127.0.0.1:$port/" NOTIFY_SMS_CONTROL="http://127.0.0.1:$port/"
  export NOTIFY_WEBHOOK_URL="http://127.0.0.1:$port/webhook/staff"
  # Also as a file: a real robot's URL carries its key, so the service reads it from one.
  export NOTIFY_WEBHOOK_URL_FILE="$dir/webhook-url"
  echo "$NOTIFY_WEBHOOK_URL" >"$NOTIFY_WEBHOOK_URL_FILE"

  # A port of its own from free_port, kept for mail_sink_start_again.
  NOTIFY_MAIL_SINK_PORT=$(free_port)
  export NOTIFY_SMTP_URL="smtp://127.0.0.1:$NOTIFY_MAIL_SINK_PORT"
  mail_sink_start_again
}

# mail_sink_stop: takes the mail sink down (its port then refuses connections), as a mail server
# outage; returns once it is gone.
mail_sink_stop() {
  local pidfile="$NOTIFY_SINKS_DIR/mail-sink.pid" old="" p kept=()
  [ -f "$pidfile" ] && old=$(cat "$pidfile")
  "$TOUSU_ROOT/tests/support/mail_sink.sh" stop "$pidfile"
  for p in "${NOTIFY_SINK_PIDS[@]}"; do [ "$p" = "$old" ] || kept+=("$p"); done
  NOTIFY_SINK_PIDS=("${kept[@]}")
}

# mail_sink_start_again: starts the mail sink on its earlier port and Maildir (NOTIFY_SMTP_URL is
# unchanged); returns once it accepts connections.
mail_sink_start_again() {
  "$TOUSU_ROOT/tests/support/mail_sink.sh" start "$NOTIFY_MAIL_SINK_PORT" "$NOTIFY_MAILDIR" \
    "$NOTIFY_SINKS_DIR/mail-sink.pid" "$NOTIFY_SINKS_DIR/mail-sink.log" \
    || die "the mail sink did not start (see $NOTIFY_SINKS_DIR/mail-sink.log)"
  NOTIFY_SINK_PIDS+=("$(cat "$NOTIFY_SINKS_DIR/mail-sink.pid")")
}

# notification_sinks_stop: stops everything notification_sinks_start started.
notification_sinks_stop() {
  local pid
  [ -n "${NOTIFY_SINKS_DIR:-}" ] || return 0
  mail_sink_stop
  for pid in "${NOTIFY_SINK_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${NOTIFY_SINK_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  NOTIFY_SINK_PIDS=()
}
