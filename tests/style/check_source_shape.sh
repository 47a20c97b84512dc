#!/usr/bin/env bash
# The shape every source keeps (docs/adding-an-rpc.md): no hand-written source outside tests/ over
# 600 lines, and every service's main.cc under 40 lines (it only calls RunServiceProcess, so a
# longer one means start-up logic grew outside the service's Settings::FromConfig or
# constructor). Prints each offender with its length.
set -euo pipefail
source "$1/tools/lib.sh"
cd "$TOUSU_ROOT"
max_source=600
max_main=39
bad=0
checked=0
while read -r f; do
  checked=$((checked + 1))
  lines=$(wc -l <"$f")
  case "$f" in
    tests/*) continue ;;
    services/*/main.cc)
      if [ "$lines" -gt "$max_main" ]; then
        echo "$f: $lines lines; a service's main is at most $max_main"
        bad=$((bad + 1))
      fi
      ;;
  esac
  if [ "$lines" -gt "$max_source" ]; then
    echo "$f: $lines lines; a source outside tests/ is at most $max_source"
    bad=$((bad + 1))
  fi
done < <(project_cxx_sources)
[ "$checked" -gt 100 ] || { echo "only $checked sources found under $TOUSU_ROOT" >&2; exit 1; }
# One main per process of deploy/stack.conf and deploy/edge.conf, each checked above.
mains=$(ls services/*/main.cc | wc -l)
processes=$(grep -hvcE '^\s*(#|$)' deploy/stack.conf deploy/edge.conf | awk '{ n += $1 } END { print n }')
[ "$mains" -eq "$processes" ] || { echo "expected $processes service mains, found $mains" >&2; exit 1; }
if [ "$bad" -gt 0 ]; then
  echo "$bad sources out of shape (of $checked)" >&2
  exit 1
fi
echo "$checked sources in shape"
