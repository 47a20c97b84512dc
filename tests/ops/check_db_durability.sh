#!/usr/bin/env bash
# Every MariaDB the project's scripts start is durable unless the named relaxed mode is asked for
# (docs/durability.md): a committed complaint must survive a power cut.
#   check_db_durability.sh SOURCE_DIR
# Checks, and names each problem found:
#   1. the test command's own database (TOUSU_TEST_DB_*) runs durable;
#   2. mariadb_start (tools/lib.sh, the one way the scripts start MariaDB) starts a durable server
#      by default, a relaxed one only with TOUSU_DB_DURABILITY=relaxed and a warning saying what
#      it risks, and refuses any other value;
#   3. no script starts a database server any other way (or under eatmydata), and none sets a
#      non-durable value itself (SQL files included).
set -uo pipefail
src="$1"
source "$src/tools/lib.sh"
problems=0
problem() { echo "FAIL: $*"; problems=$((problems + 1)); }

durable="flush=1 sync_binlog=1 log_bin=OFF"

# 1. The database every other test of this run uses.
if [ -n "${TOUSU_TEST_DB_PORT:-}" ]; then
  got=$(mariadb_durability_of --host="$TOUSU_TEST_DB_HOST" --port="$TOUSU_TEST_DB_PORT" \
        --user="$TOUSU_TEST_DB_USER" --password="$TOUSU_TEST_DB_PASSWORD")
  echo "test database: $got"
  [ "$got" = "$durable" ] || problem "the test database runs with $got, not $durable"
else
  problem "TOUSU_TEST_DB_PORT is not set: run through tools/test"
fi

# 2. mariadb_start itself, default and relaxed, each on a throwaway data directory and port of
# its own (a slow shutdown of one cannot get in the way of the next).
work=$(mktemp -d "${TMPDIR:-/tmp}/tousu-durability.XXXXXX")
trap 'mariadb_stop "$work/durable"; mariadb_stop "$work/relaxed"; mariadb_stop "$work/bad"; rm -rf "$work"' EXIT
(unset TOUSU_DB_DURABILITY; mariadb_start "$work/durable" "$(free_port)") 2>"$work/default.err"
got=$(mariadb_durability_of --defaults-file="$work/durable/my.cnf")
echo "mariadb_start by default: $got"
[ "$got" = "$durable" ] || problem "mariadb_start starts MariaDB with $got by default, not $durable"
[ ! -s "$work/default.err" ] || problem "mariadb_start printed on a durable start: $(cat "$work/default.err")"
mariadb_stop "$work/durable"

(TOUSU_DB_DURABILITY=relaxed mariadb_start "$work/relaxed" "$(free_port)") 2>"$work/relaxed.err"
got=$(mariadb_durability_of --defaults-file="$work/relaxed/my.cnf")
echo "mariadb_start with TOUSU_DB_DURABILITY=relaxed: $got"
[ "$got" = "flush=2 sync_binlog=0 log_bin=OFF" ] || problem "the relaxed mode runs with $got"
grep -q "WARNING: TOUSU_DB_DURABILITY=relaxed.*power" "$work/relaxed.err" \
  || problem "the relaxed mode does not warn what it risks (printed: $(cat "$work/relaxed.err"))"
mariadb_stop "$work/relaxed"

if (TOUSU_DB_DURABILITY=fast mariadb_start "$work/bad" "$(free_port)") 2>"$work/bad.err"; then
  problem "TOUSU_DB_DURABILITY=fast was accepted"
fi
grep -q "TOUSU_DB_DURABILITY must be durable" "$work/bad.err" \
  || problem "an unknown TOUSU_DB_DURABILITY is not refused by name (printed: $(cat "$work/bad.err"))"

# 3. The scripts: MariaDB is started only by mariadb_start, and no other file picks a setting
# that loses acknowledged commits.
cd "$src"
files=()
while IFS= read -r f; do files+=("$f"); done < <(git ls-files tools tests deploy k8s .ci | grep -vE '\.(md|json|tsv)$')
[ "${#files[@]}" -gt 100 ] || problem "only ${#files[@]} files to scan: is $src a git checkout?"
ours='^(tools/lib.sh|tests/ops/check_db_durability.sh):'
# A database server started in a command's place (a line's start, after ; & | ( or $(, or a path),
# maybe behind exec/nohup/sudo; a container image of MariaDB or MySQL run by hand; eatmydata, which
# turns every flush into a no-op while the server reports itself durable.
starts=$(grep -nE '(^|[;&|(/])[[:space:]]*((exec|nohup|sudo)[[:space:]]+)*(mariadbd|mysqld|mariadbd-safe|mysqld_safe)([[:space:]"]|$)|(docker|podman)[[:space:]]+run.*(mariadb|mysql)|eatmydata' \
  /dev/null "${files[@]}" | grep -vE "$ours")
[ -z "$starts" ] || problem "a database started outside mariadb_start (tools/lib.sh): $starts"
loose=$(grep -niE 'innodb[_-]flush[_-]log[_-]at[_-]trx[_-]commit[[:space:]]*=[[:space:]]*[02]|sync[_-]binlog[[:space:]]*=[[:space:]]*0|innodb[_-]flush[_-]method[[:space:]]*=[[:space:]]*nosync|innodb[_-]doublewrite[[:space:]]*=[[:space:]]*(0|off)' \
  /dev/null "${files[@]}" | grep -vE "$ours")
[ -z "$loose" ] || problem "a non-durable setting outside the named relaxed mode: $loose"
relaxed_lines=$(grep -cE 'innodb_flush_log_at_trx_commit=2' tools/lib.sh)
[ "$relaxed_lines" -eq 1 ] || problem "tools/lib.sh should name innodb_flush_log_at_trx_commit=2 once (the relaxed mode), found $relaxed_lines"
echo "scanned ${#files[@]} files for database starts and settings"

echo "durability: $problems problem(s)"
[ "$problems" -eq 0 ]
