#!/usr/bin/env bash
# Writes the nine Olist files in the real format (SPEC §9) with Spark, in parallel for large scale factors.
#   scripts/generate-data.sh --scale 0.01 --seed 42 --out data/sample [--as-of 2018-01-31] [-- <spark-submit args>]
set -uo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/launcher.sh"

usage() { sed -n '2,3p' "$0"; }
scale=0.01 seed=42 out="" as_of="" master=""
spark_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scale) scale=${2:?--scale needs a value}; shift 2 ;;
    --seed) seed=${2:?--seed needs a value}; shift 2 ;;
    --out) out=${2:?--out needs a value}; shift 2 ;;
    --as-of) as_of=${2:?--as-of needs a value}; shift 2 ;;
    --master) master=${2:?--master needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; spark_args=("$@"); break ;;
    *) echo "ERROR: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ -n "$out" ]] || { echo "ERROR: --out DIR is required" >&2; usage >&2; exit 2; }
case "$out" in *://*|/*) ;; *) out="$PWD/$out" ;; esac
olist_ensure_built || exit 1
args=(--conf "$OLIST_ROOT/conf/local.conf" --scale "$scale" --seed "$seed" --out "$out")
[[ -n "$as_of" ]] && args+=(--as-of "$as_of")
olist_submit "$master" org.olist.marts.jobs.datagen.DataGenJob "${spark_args[@]}" -- "${args[@]}" 2>&1 \
  | grep -a -E 'INFO (DataGenJob)|ERROR|Exception' | grep -v '^\s*at '
exit "${PIPESTATUS[0]}"
