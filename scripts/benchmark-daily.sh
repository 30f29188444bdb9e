#!/usr/bin/env bash
# Issue 33: on SF N (default 10), the default six-job run on the snapshot of D+1 after a run on D (the daily run)
# against a rebuild of D+1 on an empty warehouse, alternated --rounds times (default 2), per job and in total.
#   scripts/benchmark-daily.sh [--scale 10] [--day 2018-08-28] [--work DIR] [--rounds 2]
set -uo pipefail
rounds=2
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
SNAPSHOTS_USAGE_LINES=4
source "$(dirname "${BASH_SOURCE[0]}")/lib/snapshots.sh" "${args[@]}"
export OLIST_LOG_DIR="$work/logs"

# run WAREHOUSE INPUT RUN_ID OUT: the default jobs, their console output in OUT; fails the benchmark on a failure
run() {
  "$root/scripts/run-pipeline.sh" --warehouse "$1" --input "$2" --run-id "$3" > "$4" 2>&1 \
    || { echo "ERROR: run $3 failed (exit $?): see $4" >&2; tail -n 20 "$4" >&2; exit 1; }
}
per_job() { sed -n 's/^\[[0-9]*\/[0-9]*\] \([a-z]*\) *succeeded *\([0-9]*\)s.*/\1=\2/p' "$1" | paste -sd' '; }

# timed KIND ROUND: one measured run of KIND (daily or rebuild) on the snapshot of $next; records it
timed() {
  local kind=$1 round=$2 wh="$work/warehouse-daily-$1" out="$work/$1-$2.txt" start end total
  rm -rf "$wh"
  if [[ $kind == daily ]]; then
    run "$wh" "$work/sf$scale-$day" "day-$round" "$work/day-$round.txt"
  fi
  start=$(date +%s.%N)
  bench_timed "$work/$kind-rss.txt" "$root/scripts/run-pipeline.sh" --warehouse "$wh" --input "$work/sf$scale-$next" \
    --run-id "$kind-$round" > "$out" 2>&1 || { echo "ERROR: run $kind-$round failed: see $out" >&2; exit 1; }
  end=$(date +%s.%N)
  total=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')
  echo "round $round $kind: ${total}s ($(per_job "$out"))"
  bench_record "$kind-run" "sf$scale $day -> $next" "$(per_job "$out")" "$total" "$(cat "$work/$kind-rss.txt")" \
    "round $round of $rounds, alternated; $( [[ $kind == daily ]] && echo "after a run on $day" || echo "empty warehouse")"
  echo "$total" >> "$work/$kind-totals.txt"
}

rm -f "$work/daily-totals.txt" "$work/rebuild-totals.txt"
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then timed daily "$r"; timed rebuild "$r"; else timed rebuild "$r"; timed daily "$r"; fi
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
daily=$(median "$work/daily-totals.txt") rebuild=$(median "$work/rebuild-totals.txt")
echo "SF $scale, medians of $rounds: daily ${daily}s, rebuild ${rebuild}s," \
  "$(awk -v a="$daily" -v b="$rebuild" 'BEGIN { printf "%.0f", 100 * a / b }') % (target <= 35 %)"
