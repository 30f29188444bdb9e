#!/usr/bin/env bash
# Measures the wall time of the full pipeline (staging -> intermediate -> marts) on generated data.
#   scripts/benchmark-pipeline.sh [--scale 1] [--seed 42] [--work DIR]
# Generates the input once per (scale, seed) under DIR (default target/benchmark), runs the pipeline into a
# fresh warehouse, and prints one line per job plus the total; results are appended to DIR/results.tsv.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
scale=1 seed=42 work="$root/target/benchmark"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scale) scale=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "ERROR: unknown option '$1'" >&2; exit 2 ;;
  esac
done
input="$work/input-sf$scale-seed$seed"
warehouse="$work/warehouse-sf$scale"
mkdir -p "$work"
if [[ ! -f "$input/olist_orders_dataset.csv" ]]; then
  echo "Generating SF $scale (seed $seed) into $input"
  "$root/scripts/generate-data.sh" --scale "$scale" --seed "$seed" --out "$input" >/dev/null || exit 1
fi
rm -rf "$warehouse"
echo "Running the pipeline on SF $scale ($(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB)"
start=$(date +%s.%N)
"$root/scripts/run-pipeline.sh" --input "$input" --warehouse "$warehouse" --run-id "bench-sf$scale" --jobs staging,intermediate,marts | tee "$work/last-run.txt"
rc=${PIPESTATUS[0]}
end=$(date +%s.%N)
total=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", e - s }')
[[ $rc -eq 0 ]] || { echo "Pipeline failed (exit $rc)"; exit "$rc"; }
rows=$(wc -l < "$input/olist_order_items_dataset.csv")
echo "Total wall time on SF $scale: ${total}s for $((rows - 1)) order lines"
printf '%s\tsf=%s\tseed=%s\tcores=%s\ttotal_s=%s\t%s\n' "$(date -u +%FT%TZ)" "$scale" "$seed" "$(nproc)" "$total" \
  "$(grep -o '^\[[0-9]/[0-9]\] [a-z]* *succeeded *[0-9]*s' "$work/last-run.txt" | awk '{printf "%s=%s ", $2, $4}')" \
  >> "$work/results.tsv"
