#!/usr/bin/env bash
# Every MariaDB the project's scripts start is durable unless the named relaxed mode is asked for
# (docs/durability.md): a committed complaint must survive a power cut.
#   check_db_durability.sh SOURCE_DIR
# Checks, and names each problem found:
#   1. the test command's own database (TOUSU_TEST_DB_*) runs durable;
#   2. mariadb_start (tools/lib.sh, the one way the scripts start MariaDB) starts a durable server
#      by default, a relaxed one only with TOUSU_DB_DURABILITY=relaxed and a warning saying what
#      it risks, and refuses any other value;
#   3. no script starts mariadbd any other way, and none sets a non-durable value itself.
set -uo pipefail
src="$1"
source "$src/tools/lib.sh"
problems=0
problem() { echo "FAIL: $*"; problems=$((problems + 1)); }

# durability_of CNF_OR_EMPTY: "flush=N sync_binlog=N log_bin=N" as the running server reports.
durability_of() {
  local args=()
  if [ -n "$1" ]; then
    args=(--defaults-file="$1")
  else
    args=(--host="$TOUSU_TEST_DB_HOST" --port="$TOUSU_TEST_DB_PORT" --user="$TOUSU_TEST_DB_USER"
          --password="$TOUSU_TEST_DB_PASSWORD")
  fi
  mariadb "${args[@]}" -N -e \
    "SELECT CONCAT('flush=', @@innodb_flush_log_at_trx_commit, ' sync_binlog=', @@sync_binlog,
                   ' log_bin=', @@log_bin)"
}
durable="flush=1 sync_binlog=1 log_bin=OFF"

# 1. The database every other test of this run uses.
if [ -n "${TOUSU_TEST_DB_PORT:-}" ]; then
  got=$(durability_of "")
  echo "test database: $got"
  [ "$got" = "$durable" ] || problem "the test database runs with $got, not $durable"
else
  problem "TOUSU_TEST_DB_PORT is not set: run through tools/test"
fi

# 2. mariadb_start itself, default and relaxed, on one throwaway data directory.
work=$(mktemp -d "${TMPDIR:-/tmp}/tousu-durability.XXXXXX")
trap 'mariadb_stop "$work/db"; rm -rf "$work"' EXIT
port=$(free_port)
(unset TOUSU_DB_DURABILITY; mariadb_start "$work/db" "$port") 2>"$work/default.err"
got=$(durability_of "$work/db/my.cnf")
echo "mariadb_start by default: $got"
[ "$got" = "$durable" ] || problem "mariadb_start starts MariaDB with $got by default, not $durable"
[ ! -s "$work/default.err" ] || problem "mariadb_start printed on a durable start: $(cat "$work/default.err")"
mariadb_stop "$work/db"

(TOUSU_DB_DURABILITY=relaxed mariadb_start "$work/db" "$port") 2>"$work/relaxed.err"
got=$(durability_of "$work/db/my.cnf")
echo "mariadb_start with TOUSU_DB_DURABILITY=relaxed: $got"
[ "$got" = "flush=2 sync_binlog=0 log_bin=OFF" ] || problem "the relaxed mode runs with $got"
grep -q "WARNING: TOUSU_DB_DURABILITY=relaxed.*power" "$work/relaxed.err" \
  || problem "the relaxed mode does not warn what it risks (printed: $(cat "$work/relaxed.err"))"
mariadb_stop "$work/db"

if (TOUSU_DB_DURABILITY=fast mariadb_start "$work/db" "$port") 2>"$work/bad.err"; then
  problem "TOUSU_DB_DURABILITY=fast was accepted"
  mariadb_stop "$work/db"
fi
grep -q "TOUSU_DB_DURABILITY must be durable" "$work/bad.err" \
  || problem "an unknown TOUSU_DB_DURABILITY is not refused by name (printed: $(cat "$work/bad.err"))"

# 3. The scripts: mariadbd is started only by mariadb_start, and no other file picks a setting
# that loses acknowledged commits.
cd "$src"
scripts=$(git ls-files tools tests deploy k8s .ci 2>/dev/null | grep -vE '\.(md|json|sql|txt|tsv)$')
# mariadbd in a command's place (a line's start, after ; & | ( or $(, maybe behind exec/nohup).
starts=$(grep -nE '(^|[;&|(])[[:space:]]*((exec|nohup|sudo)[[:space:]]+)*mariadbd([[:space:]]|$)' $scripts 2>/dev/null \
  | grep -v '^tools/lib.sh:' | grep -v '^tests/ops/check_db_durability.sh:')
[ -z "$starts" ] || problem "MariaDB started outside mariadb_start (tools/lib.sh): $starts"
loose=$(grep -nE 'innodb[_-]flush[_-]log[_-]at[_-]trx[_-]commit[[:space:]]*=[[:space:]]*[02]|sync[_-]binlog[[:space:]]*=[[:space:]]*0' \
  $scripts 2>/dev/null | grep -v '^tools/lib.sh:' | grep -v '^tests/ops/check_db_durability.sh:')
[ -z "$loose" ] || problem "a non-durable setting outside the named relaxed mode: $loose"
relaxed_lines=$(grep -cE 'innodb_flush_log_at_trx_commit=2' tools/lib.sh)
[ "$relaxed_lines" -eq 1 ] || problem "tools/lib.sh should name innodb_flush_log_at_trx_commit=2 once (the relaxed mode), found $relaxed_lines"

echo "durability: $problems problem(s)"
[ "$problems" -eq 0 ]
