#!/usr/bin/env bash
# Every shared library a service binary loads (ldd) must come from a package of the runtime
# image's list (deploy/container/runtime-packages.txt), and every binary the image ships must exist.
#   check_runtime_libs.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src="$1" build="$2"
list="$src/deploy/container/runtime-packages.txt"
wanted=$(grep -vE '^\s*(#|$)' "$list")
fail=0
declare -A package_of  # library path -> package; the binaries share most libraries and dpkg -S is slow
# The binaries the Containerfile copies: one per service of deploy/stack.conf and per process of
# deploy/edge.conf (whose binary is the 6th column, after the HTTP port).
bins=$(grep -vE '^\s*(#|$)' "$src/deploy/stack.conf" | awk '{print $5}'
       grep -vE '^\s*(#|$)' "$src/deploy/edge.conf" | awk '{print $6}')
for rel in $bins; do
  bin="$build/$rel"
  [ -x "$bin" ] || { echo "FAIL: $bin not built"; fail=1; continue; }
  grep -q "$(basename "$bin")" "$src/deploy/container/Containerfile" \
    || { echo "FAIL: the Containerfile does not build $(basename "$bin")"; fail=1; }
  ldd "$bin" | grep -q 'not found' && { echo "FAIL: $bin has unresolved libraries"; fail=1; }
  for lib in $(ldd "$bin" | awk '/=> \// {print $3}'); do
    if [ -z "${package_of[$lib]+set}" ]; then
      real=$(readlink -f "$lib")
      # Debian 12 merged /usr: dpkg may know the file under /lib rather than /usr/lib, or by its link.
      package_of[$lib]=$( { dpkg -S "$real" || dpkg -S "${real#/usr}" || dpkg -S "$lib" || dpkg -S "${lib#/usr}"; } 2>/dev/null \
        | head -1 | cut -d: -f1) || true
    fi
    pkg="${package_of[$lib]}"
    if [ -z "$pkg" ]; then
      echo "FAIL: $(basename "$bin"): $lib belongs to no Debian package"; fail=1
    elif ! grep -qxF "$pkg" <<<"$wanted"; then
      echo "FAIL: $(basename "$bin") needs $lib from $pkg, missing in $list"; fail=1
    fi
  done
  echo "checked $(basename "$bin")"
done
[ "$fail" -eq 0 ] && echo "every library is provided by the runtime packages"
exit "$fail"
