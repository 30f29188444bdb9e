#!/usr/bin/env bash
# SPEC §5 cost: on SF N (default 10), what the rls job's secured copies add to a run and to the disk. Loads the
# marts from a snapshot, builds the copies (first rls run), loads the snapshot one day later (incremental MERGE)
# and refreshes the copies (the run every day pays), then runs rls once more with nothing changed; reports each
# rls run's time, the copies it wrote, and the bytes of the base marts beside those of the copies.
#   scripts/benchmark-rls.sh [--scale 10] [--day 2018-08-28] [--work DIR]
set -uo pipefail
SNAPSHOTS_USAGE_LINES=6
source "$(dirname "${BASH_SOURCE[0]}")/lib/snapshots.sh"
wh="$work/warehouse-rls-sf$scale"
rm -rf "$wh"
export OLIST_LOG_DIR="$work/logs"
rm -rf "$OLIST_LOG_DIR"
run() { "$root/scripts/run-pipeline.sh" --warehouse "$wh" "$@" >"$work/last-run.txt" 2>&1 || { cat "$work/last-run.txt"; exit 1; }; }
seconds() { sed -n 's/^\[[0-9]*\/[0-9]*\] rls *succeeded *\([0-9]*\)s.*/\1/p' "$work/last-run.txt"; }
written() { grep -ac 'Wrote secure/' "$OLIST_LOG_DIR/$1/rls.log"; }
kept() { grep -ac 'Kept secure/' "$OLIST_LOG_DIR/$1/rls.log"; }
bytes() { du -sb "$wh/$1" | cut -f1; }

run --input "$work/sf$scale-$day" --jobs staging,intermediate,marts --run-id rls-marts-1
run --input "$work/sf$scale-$day" --jobs rls --run-id rls-first
first=$(seconds)
echo "first rls run (every copy created): ${first}s, $(written rls-first) copies written"
bench_record rls-first-run "sf$scale $day" "" "$first" "" "$(written rls-first) copies; marts $(bytes marts) B, copies $(bytes secure) B"
echo "bytes: marts $(bytes marts), secure copies $(bytes secure) ($(ls -d "$wh"/secure/*/ | wc -l) access sets)"
run --input "$work/sf$scale-$next" --jobs staging,intermediate,marts --run-id rls-marts-2
run --input "$work/sf$scale-$next" --jobs rls --run-id rls-next
echo "rls after the incremental MERGE of $next: $(seconds)s, $(written rls-next) copies written, $(kept rls-next) kept"
bench_record rls-daily-run "sf$scale $next" "" "$(seconds)" "" "$(written rls-next) copies written $(kept rls-next) kept"
grep -a 'Wrote secure/.*fct_order_items' "$OLIST_LOG_DIR/rls-next/rls.log" | sed 's/.*INFO JobContext: /  /' | cut -c1-200
run --input "$work/sf$scale-$next" --jobs rls --run-id rls-again
echo "rls with nothing changed: $(seconds)s, $(written rls-again) copies written, $(kept rls-again) kept"
bench_record rls-unchanged-run "sf$scale $next" "" "$(seconds)" "" "$(written rls-again) copies written"
echo "bytes after: marts $(bytes marts), secure copies $(bytes secure)"
