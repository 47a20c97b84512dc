# Sourced by tools/faults/run for the replica run: two replicas of every service on the same
# schemas, one of each SIGKILLed and restarted in rounds (replica 1 in odd rounds, 2 in even ones;
# the other is always up), through three phases:
#   A  submissions from the clients (through both intake replicas, round robin);
#   B  the complaints taken on (tousu_faults lifecycle): by position mod 5 left routed,
#      acknowledged, solution accepted, resolved, or left alone;
#   C  the shared clock moved 35 days on, so that every timer falls due at once: acknowledgement
#      escalation (routed ones), solution deadline (acknowledged ones), progress update
#      (acknowledged and accepted ones), callback (resolved ones), and analytics' month end. 35
#      days cover 3 business days after any holiday (the Spring Festival's week with its weekends
#      is at most 12 calendar days) and always reach a month later than the one analytics closed
#      at start-up, whatever the real date.
# Then replica_checks counts each timer's events against what fell due.

echo 0 >"$work/clock-offset"
month_end_delay_s=3600   # analytics closes a month this long after it ends (Beijing time)
stack_start_replicas "$work" "$db_port" 2 \
  "$SETTINGS,CLOCK_OFFSET_FILE=$work/clock-offset,MONTH_END_DELAY=${month_end_delay_s}s"
EXTRA_SETTINGS="CLOCK_OFFSET_FILE=$work/clock-offset"
ALL_PIDS+=("${STACK_PIDS[@]}")
for name in $SERVICES; do
  for r in 1 2; do
    SVC_GRPC[$name/$r]=${STACK_REPLICA_GRPC[$name/$r]}
    SVC_METRICS[$name/$r]=${STACK_REPLICA_METRICS[$name/$r]}
    SVC_PID[$name/$r]=${STACK_REPLICA_PID[$name/$r]}
    SVC_LOG[$name/$r]="$work/logs/$name.$r.log"
  done
done
say "replicas: two of every service up, e.g. intake at ${STACK_GRPC[intake]}"

round=0
declare -A REPLICA_DUPS=()   # key -> inbox duplicates its metrics counted before it was killed
inbox_dups() {  # inbox_dups KEY: tousu_inbox_duplicates_total summed from KEY's /metrics
  curl -s --max-time 2 "http://${SVC_METRICS[$1]}/metrics" 2>/dev/null \
    | awk '/^tousu_inbox_duplicates_total/ {s += $NF} END {printf "%d", s}'
}
kill_round() {
  round=$((round + 1))
  local r=$(( (round - 1) % 2 + 1 )) other name d
  other=$(( 3 - r ))
  for name in $SERVICES; do
    wait_up "$name/$other"   # never both down
    wait_up "$name/$r"
    d=$(inbox_dups "$name/$r"); REPLICA_DUPS[$name/$r]=$(( ${REPLICA_DUPS[$name/$r]:-0} + ${d:-0} ))
    kill9 "$name/$r"
    restart_nowait "$name/$r"
    sleep 0.1
  done
  last_fault=$(now)
  say "kill round $round: replica $r of every service SIGKILLed and restarting"
}

# Phase A: submissions.
start_load "${STACK_GRPC[intake]}"
for j in $(seq 1 "$kills"); do
  wait_share "$j" $((kills + 1))
  kill -0 "$load_pid" 2>/dev/null || { violation "load ended before kill round $j"; break; }
  kill_round
done
finish_load

# Phase B: complaints taken on to the states whose deadlines the timers watch.
"$FAULTS" lifecycle --intake "${STACK_GRPC[intake]}" --routing "${STACK_GRPC[routing]}" \
  --case-handling "${STACK_GRPC[case-handling]}" --follow-up "${STACK_GRPC[follow-up]}" \
  --numbers "$work/acked.tsv" --out "$work/staged.tsv" --clients 16 >"$work/lifecycle.out" 2>&1 &
lc_pid=$!
for j in $(seq 1 "$kills"); do
  sleep 2
  kill -0 "$lc_pid" 2>/dev/null || break
  kill_round
done
lc_rc=0
wait "$lc_pid" || lc_rc=$?
load_end=$(now)   # the clients' work ends with the lifecycle phase
cat "$work/lifecycle.out"
[ "$lc_rc" -eq 0 ] || violation "complaints could not be taken to their stages (see $work/staged.tsv.errors)"
for name in $SERVICES; do wait_up "$name/1"; wait_up "$name/2"; done
t_b=$(now)
while [ "$(backlog)" != 0 ]; do
  awk -v e="$(elapsed "$t_b" "$(now)")" 'BEGIN{exit !(e > 120)}' && { violation "no drain before the clock move"; break; }
  sleep 0.2
done

# out_of_order: prints "OUT PAIRS": of the consecutive timeline entries at intake whose source
# events are still in their producer's outbox, how many reached intake out of the producer's
# order, and how many pairs were compared. A partition delivered by two relays at once would show
# as such a pair: each producer's outbox id order must be the timeline's.
out_of_order() {
  local p n c out=0 pairs=0
  for p in routing case_handling follow_up; do
    read -r n c <<<"$(q "SELECT COALESCE(SUM(prev > oid), 0), COUNT(prev) FROM (SELECT o.id AS oid,
           LAG(o.id) OVER (PARTITION BY t.complaint_id ORDER BY t.id) AS prev
           FROM tousu_intake.complaint_timeline t JOIN tousu_$p.outbox o
           ON o.event_id = t.source_event_id AND o.subscriber = 'intake') x")"
    out=$((out + n)) pairs=$((pairs + c))
  done
  echo "$out $pairs"
}
# Checked now as well as at the end: the relays prune delivered rows a week older than their
# clock, so after the 35-day move the rows of phases A and B may be gone.
read -r order_before pairs_before <<<"$(out_of_order)"
[ "$order_before" -eq 0 ] || violation "$order_before events reached intake out of order (concurrent delivery)"
[ "$pairs_before" -gt 0 ] || violation "no timeline entries to check the delivery order with"

# Phase C: 35 days on, for every service at once; the timers fire while replicas are killed.
due_esc=$(awk -F'\t' '$2=="routed" || $2=="untouched"' "$work/staged.tsv" | wc -l)
due_sol=$(awk -F'\t' '$2=="acknowledged"' "$work/staged.tsv" | wc -l)
due_prog=$(awk -F'\t' '$2=="acknowledged" || $2=="implementing"' "$work/staged.tsv" | wc -l)
due_cb=$(awk -F'\t' '$2=="resolved"' "$work/staged.tsv" | wc -l)
clock_offset=$((35 * 86400))
echo "$clock_offset" >"$work/clock-offset"
moved_at=$(( $(date +%s) + clock_offset ))   # the services' clock just after the move (Unix s)
t_clock=$(now)
# The month analytics' month-end job must close after the move: the month before the one (Beijing
# time) that the moved clock, less the job's one-hour delay (MONTH_END_DELAY), is in. Derived from
# the clock the services see, never from the real month; it is a later month than the one closed
# at start-up, so the row can only come from the job running on the moved clock.
month_start=$(TZ=Asia/Shanghai date -d "@$(( moved_at - month_end_delay_s ))" +%Y-%m-01)
closing_month=$(TZ=Asia/Shanghai date -d "$month_start -1 month" +%Y%m)
say "clock moved 35 days on: due escalations $due_esc, solution deadlines $due_sol, progress updates $due_prog, callbacks $due_cb"
for j in $(seq 1 "$kills"); do
  sleep 1.5
  kill_round
done
for name in $SERVICES; do wait_up "$name/1"; wait_up "$name/2"; done

# fired: distinct events per complaint in the producer's outbox (one row per subscriber).
timer_counts() {  # prints: fired doubled (for one event type of one producer schema)
  q "SELECT COUNT(*), COALESCE(SUM(n > 1), 0) FROM (SELECT aggregate_id, COUNT(DISTINCT event_id) n
     FROM $1.outbox WHERE event_type = '$2' GROUP BY aggregate_id) t"
}
# Wait until every due timer fired (at most 120 s after the move).
while true; do
  read -r f_esc _ <<<"$(timer_counts tousu_routing AcknowledgementOverdue)"
  read -r f_sol _ <<<"$(timer_counts tousu_case_handling SolutionDeadlineMissed)"
  read -r f_prog _ <<<"$(timer_counts tousu_follow_up ProgressUpdateOverdue)"
  read -r f_cb _ <<<"$(timer_counts tousu_follow_up CallbackOverdue)"
  f_month=$(q "SELECT COUNT(*) FROM tousu_analytics.month_end_runs WHERE month = $closing_month")
  [ "$f_esc" -ge "$due_esc" ] && [ "$f_sol" -ge "$due_sol" ] && [ "$f_prog" -ge "$due_prog" ] \
    && [ "$f_cb" -ge "$due_cb" ] && [ "$f_month" -ge 1 ] && break
  awk -v e="$(elapsed "$t_clock" "$(now)")" 'BEGIN{exit !(e > 120)}' && break
  sleep 0.5
done
say "every due timer fired $(elapsed "$t_clock" "$(now)") s after the clock move"
sleep 3   # a timer firing twice would do it within a pass or two

replica_checks() {
  local t due fired doubled
  echo "timers (due / fired / fired twice or more):"
  for t in "escalation tousu_routing AcknowledgementOverdue $due_esc" \
           "solution_deadline tousu_case_handling SolutionDeadlineMissed $due_sol" \
           "progress_update tousu_follow_up ProgressUpdateOverdue $due_prog" \
           "callback tousu_follow_up CallbackOverdue $due_cb"; do
    set -- $t
    read -r fired doubled <<<"$(timer_counts "$2" "$3")"
    echo "  $1: due $4, fired $fired, doubled $doubled"
    [ "$fired" -eq "$4" ] || violation "$1: $fired fired for $4 due"
    [ "$doubled" -eq 0 ] || violation "$1: $doubled complaints had it fire more than once"
    FIG_TIMERS="${FIG_TIMERS:+$FIG_TIMERS, }$1 $fired/$4"
  done
  local months after_move
  months=$(q "SELECT COUNT(*) FROM tousu_analytics.month_end_runs WHERE month = $closing_month")
  after_move=$(q "SELECT COUNT(*) FROM tousu_analytics.month_end_runs WHERE month = $closing_month
                  AND completed_at >= FROM_UNIXTIME($moved_at - 60)")
  echo "  month_end: $closing_month closed $months time(s), $after_move on the moved clock (one row per month, primary key)"
  [ "$months" -eq 1 ] || violation "analytics month end ran $months times for $closing_month, due at the moved clock"
  [ "$after_move" -eq 1 ] || violation "analytics month end for $closing_month did not run on the moved clock"
  local out pairs
  read -r out pairs <<<"$(out_of_order)"
  local dups=0 k d
  for k in "${!SVC_METRICS[@]}"; do
    [[ "$k" == */* ]] || continue
    d=$(inbox_dups "$k"); dups=$((dups + ${d:-0} + ${REPLICA_DUPS[$k]:-0}))
  done
  echo "  deliveries out of the producer's order at intake: $out of $pairs consecutive pairs after the clock move, $order_before of $pairs_before before it; repeated deliveries (inbox no-ops, after kills): $dups"
  [ "$out" -eq 0 ] || violation "$out events reached intake out of order (concurrent delivery)"
  local numbers
  numbers=$(q "SELECT COUNT(*) - COUNT(DISTINCT number) FROM tousu_intake.complaints")
  [ "$numbers" -eq 0 ] || violation "$numbers complaint numbers given twice"
  echo "  kill rounds: $round (one replica of each of the six services each)"
}
