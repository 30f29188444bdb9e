#!/usr/bin/env bash
# SPEC §4 performance: on SF N (default 10), loads the fact from a snapshot, then from the snapshot one day
# later (incremental MERGE), then rebuilds it with --full-refresh, and compares the fact step of the marts job
# (its audit/log line) and the partitions whose files the MERGE rewrote.
#   scripts/benchmark-incremental.sh [--scale 10] [--day 2018-08-28] [--work DIR]
set -uo pipefail
SNAPSHOTS_USAGE_LINES=5
source "$(dirname "${BASH_SOURCE[0]}")/lib/snapshots.sh"
wh="$work/warehouse-sf$scale"
rm -rf "$wh"
export OLIST_LOG_DIR="$work/logs"
rm -rf "$OLIST_LOG_DIR"
run() { "$root/scripts/run-pipeline.sh" --warehouse "$wh" --jobs staging,intermediate,marts "$@" || exit 1; }
fact_line() { grep -a 'Wrote marts/fct_order_items' "$OLIST_LOG_DIR/$1/marts.log" | tail -n 1; }
ms() { sed -n 's/.* rows in \([0-9]*\) ms.*/\1/p' <<<"$1"; }

echo "1/3 initial load from the snapshot of $day"
run --input "$work/sf$scale-$day" --run-id "inc-initial"
echo "2/3 incremental load from the snapshot of $next"
run --input "$work/sf$scale-$next" --run-id "inc-next"
echo "3/3 full refresh from the snapshot of $next"
run --input "$work/sf$scale-$next" --run-id "inc-full" --full-refresh

incremental=$(fact_line inc-next)
full=$(fact_line inc-full)
echo "incremental: $incremental"
echo "full:        $full"
inc_ms=$(ms "$incremental"); full_ms=$(ms "$full")
ratio=$(awk -v a="$inc_ms" -v b="$full_ms" 'BEGIN { printf "%.1f", 100 * a / b }')
touched=$(sed -n 's/.*partitions_touched=\([^,}]*\(,[0-9-]*\)*\).*/\1/p' <<<"$incremental")
merge_version=$(sed -n 's/.*(Delta version \([0-9]*\)).*/\1/p' <<<"$incremental")
log="$wh/marts/fct_order_items/_delta_log/$(printf '%020d' "$merge_version").json"
rewritten=$(grep -o '"partitionValues":{"order_year_month":"[0-9-]*"' "$log" | sed 's/.*:"\([0-9-]*\)"/\1/' | sort -u | paste -sd, -)
echo "SF $scale fact step: incremental ${inc_ms} ms vs full rebuild ${full_ms} ms = ${ratio}% ;"\
  "partitions named in the MERGE: $touched ; partitions with files added/removed: ${rewritten:-none}"
bench_record incremental-fact "sf$scale $day -> $next" "merge=$((inc_ms / 1000)).$(printf '%03d' $((inc_ms % 1000))) rebuild=$((full_ms / 1000)).$(printf '%03d' $((full_ms % 1000)))" "" "" \
  "ratio $ratio %; touched $touched; rewritten ${rewritten:-none}"
