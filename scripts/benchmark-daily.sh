#!/usr/bin/env bash
# Issue 33: on SF N (default 10), the default six-job run on the snapshot of D+1 after a run on D (the daily run)
# against a rebuild of D+1 on an empty warehouse, alternated --rounds times (default 2), per job and in total.
# --append: the daily run is in append mode, in its steady state: D-1's snapshot loaded as the first batch, then D's
# new and changed records, then (timed) D+1's (scripts/lib/append_batch.py).
#   scripts/benchmark-daily.sh [--scale 10] [--day 2018-08-28] [--work DIR] [--rounds 2] [--append]
set -uo pipefail
rounds=2 append=0
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --append) append=1; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
SNAPSHOTS_USAGE_LINES=5
source "$(dirname "${BASH_SOURCE[0]}")/lib/snapshots.sh" "${args[@]}"
export OLIST_LOG_DIR="$work/logs"

# the daily run's input and configuration: D+1's snapshot, or in append mode its batch; the runs before it
daily_input="$work/sf$scale-$next" daily_conf=() before=("$work/sf$scale-$day")
# batch FROM TO: the records of snapshot TO not in snapshot FROM (once), in $work/sf$scale-TO-batch
batch() {
  local out="$work/sf$scale-$2-batch"
  if [[ ! -f "$out/olist_orders_dataset.csv" ]]; then
    echo "The append batch of $2: the records of its snapshot not in $1's"
    python3 "$root/scripts/lib/append_batch.py" "$work/sf$scale-$1" "$work/sf$scale-$2" "$out" >/dev/null \
      || { rm -rf "$out"; exit 1; }
  fi
}
if ((append)); then
  prev=$(date -u -d "$day - 1 day" +%F)
  if [[ ! -f "$work/sf$scale-$prev/olist_orders_dataset.csv" ]]; then
    echo "Generating SF $scale as of $prev"
    "$root/scripts/generate-data.sh" --scale "$scale" --seed 42 --as-of "$prev" --out "$work/sf$scale-$prev" \
      >/dev/null || exit 1
  fi
  batch "$prev" "$day"
  batch "$day" "$next"
  daily_input="$work/sf$scale-$next-batch" before=("$work/sf$scale-$prev" "$work/sf$scale-$day-batch")
  printf 'include file("%s/conf/local.conf")\nolist.incremental.mode = "append"\n' "$root" > "$work/append.conf"
  daily_conf=(--conf "$work/append.conf")
fi

# run WAREHOUSE INPUT RUN_ID OUT [run-pipeline options]: the default jobs, their console output in OUT; fails the
# benchmark on a failure
run() {
  "$root/scripts/run-pipeline.sh" --warehouse "$1" --input "$2" --run-id "$3" "${@:5}" > "$4" 2>&1 \
    || { echo "ERROR: run $3 failed (exit $?): see $4" >&2; tail -n 20 "$4" >&2; exit 1; }
}
per_job() { sed -n 's/^\[[0-9]*\/[0-9]*\] \([a-z]*\) *succeeded *\([0-9]*\)s.*/\1=\2/p' "$1" | paste -sd' '; }

# timed KIND ROUND: one measured run of KIND (daily or rebuild) on the snapshot of $next; records it
timed() {
  local kind=$1 round=$2 wh="$work/warehouse-daily-$1" out="$work/$1-$2.txt" start end total
  rm -rf "$wh"
  local input="$work/sf$scale-$next" conf=()
  if [[ $kind == daily ]]; then
    input=$daily_input conf=("${daily_conf[@]}")
    local i=0 b
    for b in "${before[@]}"; do
      run "$wh" "$b" "day-$round-$((++i))" "$work/day-$round-$i.txt" "${conf[@]}"
    done
  fi
  start=$(date +%s.%N)
  bench_timed "$work/$kind-rss.txt" "$root/scripts/run-pipeline.sh" --warehouse "$wh" --input "$input" \
    --run-id "$kind-$round" "${conf[@]}" > "$out" 2>&1 || { echo "ERROR: run $kind-$round failed: see $out" >&2; exit 1; }
  end=$(date +%s.%N)
  total=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')
  echo "round $round $kind: ${total}s ($(per_job "$out"))"
  local scenario="$kind-run"
  [[ $kind == daily ]] && ((append)) && scenario="append-daily-run"
  bench_record "$scenario" "sf$scale $day -> $next" "$(per_job "$out")" "$total" "$(cat "$work/$kind-rss.txt")" \
    "round $round of $rounds, alternated; $( [[ $kind == daily ]] && echo "after a run on $day$( ((append)) && echo "'s batch, after $prev's snapshot")" || echo "empty warehouse")"
  echo "$total" >> "$work/$kind-totals.txt"
}

rm -f "$work/daily-totals.txt" "$work/rebuild-totals.txt"
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then timed daily "$r"; timed rebuild "$r"; else timed rebuild "$r"; timed daily "$r"; fi
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
daily=$(median "$work/daily-totals.txt") rebuild=$(median "$work/rebuild-totals.txt")
echo "SF $scale, medians of $rounds: $( ((append)) && echo "append-mode ")daily ${daily}s, rebuild ${rebuild}s," \
  "$(awk -v a="$daily" -v b="$rebuild" 'BEGIN { printf "%.0f", 100 * a / b }') % (target <= $( ((append)) && echo 15 || echo 35 ) %)"
