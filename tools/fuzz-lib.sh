#!/usr/bin/env bash
# The libFuzzer build (tests/fuzz), shared by tools/fuzz and tools/test. Sourced after tools/lib.sh
# (it uses TOUSU_ROOT, say and die); sourcing it alone loads lib.sh first.
#   fuzz_build      configures (once) and builds build-fuzz: clang, ASan + UBSan + libFuzzer,
#                   only the parsers and validators the harnesses need (cmake/Fuzz.cmake)
#   fuzz_harnesses  prints the harness names, one per line (tests/fuzz/CMakeLists.txt)

if [ -z "${TOUSU_ROOT:-}" ]; then
  # shellcheck source=tools/lib.sh
  source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fi
TOUSU_FUZZ_BUILD="${TOUSU_FUZZ_BUILD:-$TOUSU_ROOT/build-fuzz}"

fuzz_build() {
  command -v clang++ >/dev/null 2>&1 || die "clang++ is missing (deploy/packages.txt lists clang)"
  if [ ! -f "$TOUSU_FUZZ_BUILD/build.ninja" ]; then
    say "configuring the fuzz build in $TOUSU_FUZZ_BUILD"
    cmake -S "$TOUSU_ROOT" -B "$TOUSU_FUZZ_BUILD" -G Ninja -DTOUSU_FUZZ=ON \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ >/dev/null \
      || die "cmake configure of the fuzz build failed"
  fi
  say "building the fuzz harnesses"
  cmake --build "$TOUSU_FUZZ_BUILD" -j "${TOUSU_JOBS:-2}" || die "fuzz build failed"
}

fuzz_harnesses() {
  sed -n '/^set(TOUSU_FUZZ_HARNESSES/,/)/p' "$TOUSU_ROOT/tests/fuzz/CMakeLists.txt" \
    | grep -oE '^\s+[a-z_]+:' | tr -d ' :'
}
