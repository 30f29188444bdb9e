#!/usr/bin/env bash
# Issue 19 end to end: the rls, test and status jobs run on a built warehouse; the status job exports the run's
# SLIs as a textfile, which must pass
# `promtool check metrics`, and to a real Pushgateway started on 127.0.0.1 (stopped whatever happens), from which
# the run's metrics are read back. Needs promtool (Debian: prometheus) and prometheus-pushgateway; installs them
# with apt-get when missing and it can.
#   scripts/metrics-test.sh [--warehouse DIR]      (default: ./warehouse, as README command 1 leaves it)
set -uo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/launcher.sh"
source "$OLIST_ROOT/scripts/lib/e2e.sh"

warehouse=$OLIST_ROOT/warehouse
while [[ $# -gt 0 ]]; do
  case "$1" in
    --warehouse) warehouse=${2:?--warehouse needs a value}; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "ERROR: unknown option '$1'" >&2; exit 2 ;;
  esac
done

gateway_pid=""
e2e_cleanup() {
  [[ -n "$gateway_pid" ]] && kill "$gateway_pid" 2>/dev/null && wait "$gateway_pid" 2>/dev/null
  return 0
}
work=$OLIST_ROOT/target/metrics-test
e2e_init metrics-test "$work"

[[ -d "$warehouse/marts" ]] || fail "no warehouse at $warehouse: run scripts/run-pipeline.sh first"
if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus-pushgateway >/dev/null 2>&1; then
  step "installing promtool and the Pushgateway (apt-get)"
  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    prometheus prometheus-pushgateway) >/dev/null 2>&1
  command -v promtool >/dev/null 2>&1 && command -v prometheus-pushgateway >/dev/null 2>&1 \
    || fail "promtool and prometheus-pushgateway are needed (Debian packages prometheus, prometheus-pushgateway)"
fi

port=$(olist_free_port)
step "starting a Pushgateway on 127.0.0.1:$port"
prometheus-pushgateway --web.listen-address="127.0.0.1:$port" >"$work/pushgateway.log" 2>&1 &
gateway_pid=$!
for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null || { cat "$work/pushgateway.log" >&2; fail "the Pushgateway did not start"; }

textfile=$work/olist_marts.prom
run_id=metrics-test-$$
cat >"$work/metrics.conf" <<CONF
include file("$OLIST_ROOT/conf/local.conf")
olist.metrics.textfile = "$textfile"
olist.metrics.pushgateway = "127.0.0.1:$port"
CONF
step "the rls, test and status jobs on $warehouse, the status job exporting the run's SLIs"
"$OLIST_ROOT/scripts/run-pipeline.sh" --jobs rls,test,status --warehouse "$warehouse" \
  --conf "$work/metrics.conf" --run-id "$run_id" || fail "the run (logs in $work/logs)"
grep -a -q "Cannot push\|Cannot write the metrics" "$work/logs/$run_id/status.log" \
  && { grep -a "Cannot" "$work/logs/$run_id/status.log" >&2; fail "an export failed"; }

step "promtool check metrics $textfile"
[[ -s "$textfile" ]] || fail "no textfile at $textfile"
promtool check metrics <"$textfile" || fail "promtool refused the textfile"

step "reading the run back from the Pushgateway"
curl -sf "http://127.0.0.1:$port/metrics" >"$work/pushed.txt" || fail "cannot read the Pushgateway's /metrics"
for metric in olist_marts_pipeline_last_success_timestamp_seconds olist_marts_job_success_ratio \
              olist_marts_data_accuracy_ratio olist_marts_table_storage_bytes olist_marts_layer_rows \
              olist_marts_job_duration_seconds olist_marts_slo_breached; do
  grep -q "^$metric{.*run_id=\"$run_id\"" "$work/pushed.txt" || fail "$metric of run $run_id is not on the Pushgateway"
  grep -q "^$metric" "$textfile" || fail "$metric is not in the textfile"
done
pushed=$(grep -c "run_id=\"$run_id\"" "$work/pushed.txt")
echo "metrics-test passed: the textfile passes promtool ($(grep -c '^olist_marts_' "$textfile") samples), the Pushgateway holds $pushed samples of run $run_id"
