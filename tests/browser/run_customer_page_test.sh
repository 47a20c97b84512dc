#!/usr/bin/env bash
# A customer in Chromium against a whole stack (the services of deploy/stack.conf and the edge of
# deploy/edge.conf: identity and the gateway, authentication on): builds web/ (tools/web-build:
# the generated client and the test page), starts a private MariaDB and the stack, and runs
# customer_page_test.mjs, whose page is served from another origin than the gateway's (the
# gateway's ALLOWED_ORIGINS names it) and calls it over Connect and gRPC-Web.
#
#   tests/browser/run_customer_page_test.sh SOURCE_DIR BUILD_DIR
#
# Screenshots and the browser's console of each run are kept with the logs when it fails.
set -euo pipefail
SRC=$(cd "$1" && pwd)
export TOUSU_BUILD="$2"
source "$SRC/tools/lib.sh"
mkdir -p "$TOUSU_LOCAL"

# Offline unless web/node_modules is older than web/package-lock.json.
"$SRC/tools/web-build"

stack_test_begin browser-test

db_port=$(free_port)
mariadb_start "$work/mariadb" "$db_port"
stack_auth_prepare "$work/auth"
export TOUSU_STACK_AUTH_DIR="$work/auth"
stack_start "$work" "$db_port" 0
# The page's origin, known before the gateway starts so that it can allow it.
web_port=$(free_port)
stack_start_edge "$work" "$db_port" 0 "ALLOWED_ORIGINS=http://127.0.0.1:$web_port"
[ -n "${STACK_GATEWAY_URL:-}" ] || die "the stack has no gateway (STACK_GATEWAY_URL unset)"
[ -n "${STACK_SMS_OUTBOX:-}" ] || die "the stack has no SMS outbox (STACK_SMS_OUTBOX unset)"

STACK_GATEWAY_URL="$STACK_GATEWAY_URL" STACK_SMS_OUTBOX="$STACK_SMS_OUTBOX" \
  TOUSU_WEB_PORT="$web_port" TOUSU_WEB_ARTIFACTS="$work/browser" \
  node "$SRC/tests/browser/customer_page_test.mjs"

ok=1
say "browser customer page test passed"
