#!/usr/bin/env bash
# keep_output.sh NAME COMMAND...: runs a test binary. With TOUSU_TEST_LOG_DIR set (tools/test), its
# stdout and stderr (where services run in-process by integration tests log) are also kept there as
# NAME.PID.test.log for the PII check (check_logs.py); the exit status is the test's.
set -o pipefail
name="$1"
shift
[ -n "${TOUSU_TEST_LOG_DIR:-}" ] || exec "$@"
mkdir -p "$TOUSU_TEST_LOG_DIR"
"$@" 2>&1 | tee "$TOUSU_TEST_LOG_DIR/$name.$$.test.log"
