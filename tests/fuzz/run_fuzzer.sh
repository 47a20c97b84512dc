#!/usr/bin/env bash
# Runs one libFuzzer harness for a while from a fresh copy of its seed corpus; exits non-zero on
# any crash, sanitizer report, leak, timeout or failed invariant (the input is kept under
# WORK_DIR/NAME/artifacts/ and its path printed).
#   run_fuzzer.sh FUZZ_BUILD_DIR NAME SEED_DIR WORK_DIR SECONDS [libFuzzer options...]
# The environment variable TOUSU_FUZZ_BUILD, when set, overrides FUZZ_BUILD_DIR.
set -euo pipefail
build="${TOUSU_FUZZ_BUILD:-$1}" name="$2" seeds="$3" work="$4/$2" seconds="$5"
shift 5
bin="$build/tests/fuzz/${name}_fuzz"
if [ ! -x "$bin" ]; then
  echo "fuzz harness $bin is missing: build it with tools/fuzz --build-only (tools/test does)" >&2
  exit 1
fi
# New inputs go to a scratch corpus (the first directory); the seeds are only read.
rm -rf "$work/corpus"
mkdir -p "$work/corpus" "$work/artifacts"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
exec "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$@" "$work/corpus" "$seeds"
