#!/usr/bin/env bash
# A local SMTP server for tests and tools/run: Debian's aiosmtpd (python3-aiosmtpd) delivering
# every message it accepts into a Maildir.
#   mail_sink.sh start PORT MAILDIR PIDFILE [LOGFILE]  in the background; returns once it accepts
#                                                      connections (log: LOGFILE or PIDFILE.log)
#   mail_sink.sh stop PIDFILE                          returns once it is gone (the port refuses)
# Stopping and starting again on the same port is how tests take the mail server down and up.
set -euo pipefail

# aiosmtpd is importable only by the system Python (a pyenv python3 may come first on PATH).
PYTHON=/usr/bin/python3

accepts() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# A process that exited but was not reaped yet (a zombie) counts as gone.
alive() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $st != Z* ]]; }

case "${1:-}" in
  start)
    [ $# -ge 4 ] || { echo "usage: $0 start PORT MAILDIR PIDFILE [LOGFILE]" >&2; exit 2; }
    port="$2" maildir="$3" pidfile="$4" log="${5:-$4.log}"
    mkdir -p "$maildir"/{cur,new,tmp}
    # -n: stay the current user (it would switch to nobody as root); -u: SMTPUTF8, as mails are
    # UTF-8. Output to a file and stdin from /dev/null, so no caller's pipe is held open.
    "$PYTHON" -m aiosmtpd -n -u -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$maildir" \
      </dev/null >>"$log" 2>&1 &
    pid=$!
    echo "$pid" >"$pidfile"
    for _ in $(seq 1 100); do
      accepts "$port" && exit 0
      alive "$pid" || { tail -5 "$log" >&2; echo "mail sink exited" >&2; exit 1; }
      sleep 0.1
    done
    echo "mail sink did not listen on 127.0.0.1:$port (see $log)" >&2
    kill -TERM "$pid" 2>/dev/null || true
    exit 1
    ;;
  stop)
    [ $# -eq 2 ] || { echo "usage: $0 stop PIDFILE" >&2; exit 2; }
    [ -f "$2" ] || exit 0
    pid=$(cat "$2")
    kill -TERM "$pid" 2>/dev/null || { rm -f "$2"; exit 0; }
    for _ in $(seq 1 50); do
      alive "$pid" || { rm -f "$2"; exit 0; }
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$2"
    ;;
  *)
    echo "usage: $0 start PORT MAILDIR PIDFILE [LOGFILE] | stop PIDFILE" >&2
    exit 2
    ;;
esac
