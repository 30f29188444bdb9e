# Sourced by the SF N benchmarks that load a snapshot and the one a day later (benchmark-incremental.sh,
# benchmark-rls.sh): reads --scale N (default 10), --day D (default 2018-08-28), --work DIR (default
# target/benchmark-incremental), -h prints lines 2..$SNAPSHOTS_USAGE_LINES of the calling script; sets scale, day,
# next and work, and generates both snapshots into $work/sf$scale-<day> unless they are there already.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OLIST_ROOT=${OLIST_ROOT:-$root}
source "$root/scripts/lib/bench.sh"
scale=10 day=2018-08-28 work="$root/target/benchmark-incremental"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scale) scale=$2; shift 2 ;;
    --day) day=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    -h|--help) sed -n "2,${SNAPSHOTS_USAGE_LINES}p" "$0"; exit 0 ;;
    *) echo "ERROR: unknown option '$1'" >&2; exit 2 ;;
  esac
done
next=$(date -u -d "$day + 1 day" +%F)
mkdir -p "$work"
for d in "$day" "$next"; do
  if [[ ! -f "$work/sf$scale-$d/olist_orders_dataset.csv" ]]; then
    echo "Generating SF $scale as of $d"
    "$root/scripts/generate-data.sh" --scale "$scale" --seed 42 --as-of "$d" --out "$work/sf$scale-$d" >/dev/null || exit 1
  fi
done
