#!/usr/bin/env bash
# Appends one measurement to benchmarks/results.csv (OLIST_BENCH_RESULTS to write elsewhere), with the date, the
# commit, the CPU model and the cores of this machine. Sourced by the benchmark scripts.
#   bench_record SCENARIO INPUT PER_JOB TOTAL_S PEAK_RSS_MB NOTES
#   bench_timed RSS_FILE COMMAND...   runs COMMAND under /usr/bin/time, leaving its peak RSS in MiB in RSS_FILE
BENCH_RESULTS=${OLIST_BENCH_RESULTS:-$OLIST_ROOT/benchmarks/results.csv}

bench_csv() { local v=${1//\"/\"\"}; printf '"%s"' "$v"; }

bench_record() {
  local commit cpu
  commit=$(git -C "$OLIST_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  git -C "$OLIST_ROOT" diff --quiet HEAD -- common jobs conf scripts 2>/dev/null || commit="$commit+changes"
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
  {
    printf '%s,%s,' "$(date -u +%F)" "$commit"
    bench_csv "${cpu:-unknown}"; printf ',%s,' "$(nproc)"
    bench_csv "$1"; printf ','; bench_csv "$2"; printf ','; bench_csv "$3"
    printf ',%s,%s,' "$4" "$5"; bench_csv "$6"; printf '\n'
  } >> "$BENCH_RESULTS"
  echo "Recorded in $BENCH_RESULTS: $1 on $2: ${4}s"
}

bench_timed() {
  local rss_file=$1 rc
  shift
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f '%M' -o "$rss_file.kb" "$@"
    rc=$?
    awk '/^[0-9]+$/ { printf "%d", $1 / 1024 }' "$rss_file.kb" > "$rss_file"
    rm -f "$rss_file.kb"
  else
    "$@"
    rc=$?
    : > "$rss_file"
  fi
  return "$rc"
}
