#!/usr/bin/env bash
# Measures the wall time of the full pipeline (staging -> intermediate -> marts) on generated data or a given input.
#   scripts/benchmark-pipeline.sh [--scale 1] [--seed 42] [--input DIR --name LABEL] [--work DIR]
# Generates the input once per (scale, seed) under DIR (default target/benchmark), or reads --input (the sample,
# the real subset), runs the pipeline into a fresh warehouse, and prints one line per job (wall time, Spark jobs,
# Delta commits) plus the total and the peak RSS; results are appended to benchmarks/results.csv. Extra options after -- go to
# run-pipeline.sh (--jvm-per-job, say, to compare with one spark-submit per job).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OLIST_ROOT=${OLIST_ROOT:-$root}
source "$root/scripts/lib/bench.sh"
scale=1 seed=42 work="$root/target/benchmark" given="" name="" extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scale) scale=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --input) given=$2; shift 2 ;;
    --name) name=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "ERROR: unknown option '$1'" >&2; exit 2 ;;
  esac
done
if [[ -n "$given" ]]; then
  [[ -f "$given/olist_orders_dataset.csv" ]] || { echo "ERROR: no olist_orders_dataset.csv in $given" >&2; exit 2; }
  input=$(cd "$given" && pwd) label=${name:-$(basename "$input")}
else
  input="$work/input-sf$scale-seed$seed" label="sf$scale"
fi
warehouse="$work/warehouse-$label"
mkdir -p "$work"
if [[ -z "$given" && ! -f "$input/olist_orders_dataset.csv" ]]; then
  echo "Generating SF $scale (seed $seed) into $input"
  "$root/scripts/generate-data.sh" --scale "$scale" --seed "$seed" --out "$input" >/dev/null || exit 1
fi
rm -rf "$warehouse"
echo "Running the pipeline on $label ($(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB)"
start=$(date +%s.%N)
bench_timed "$work/last-rss.txt" "$root/scripts/run-pipeline.sh" --input "$input" --warehouse "$warehouse" \
  --run-id "bench-$label" --jobs staging,intermediate,marts "${extra[@]}" | tee "$work/last-run.txt"
rc=${PIPESTATUS[0]}
end=$(date +%s.%N)
total=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", e - s }')
[[ $rc -eq 0 ]] || { echo "Pipeline failed (exit $rc)"; exit "$rc"; }
rows=$(wc -l < "$input/olist_order_items_dataset.csv")
echo "Total wall time on $label: ${total}s for $((rows - 1)) order lines, peak RSS $(cat "$work/last-rss.txt") MiB"
per_job=$(sed -n 's/^\[[0-9]*\/[0-9]*\] \([a-z]*\) *succeeded *\([0-9]*\)s.*/\1=\2/p' "$work/last-run.txt" | paste -sd' ')
bench_record "staging->marts" "$label" "$per_job" "$total" "$(cat "$work/last-rss.txt")" \
  "seed=$seed $((rows - 1)) order lines ${extra[*]}"
