#!/usr/bin/env bash
# tools/format --check can fail: it flags a badly formatted file and passes the same file once
# tools/format has rewritten it.
set -euo pipefail
root="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root/.clang-format" "$work/"
printf 'int  main( ){return 0 ;}\n' >"$work/sample.cc"
if "$root/tools/format" --check "$work/sample.cc" >"$work/out" 2>&1; then
  echo "the check passed an unformatted file"; cat "$work/out"; exit 1
fi
grep -q "sample.cc" "$work/out" || { echo "the check did not name the file"; cat "$work/out"; exit 1; }
"$root/tools/format" "$work/sample.cc"
"$root/tools/format" --check "$work/sample.cc" >/dev/null 2>&1 || { echo "formatted file flagged"; exit 1; }
grep -q '^int main() { return 0; }$' "$work/sample.cc" || { cat "$work/sample.cc"; exit 1; }
echo "the format check flags and then passes a sample"
