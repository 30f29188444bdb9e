#!/usr/bin/env bash
# SPEC §8 on a real cluster: the whole pipeline, through the orchestrator, on a Spark standalone master and two
# workers on loopback (separate JVMs, executors in their own JVMs, built from the project's jars), and one
# worker killed with kill -9 while the pipeline runs. Exits 0 only when the run succeeded, the event logs show
# executors on both workers, and every table equals a local-mode run on the same generated input. With --s3 the
# input and the warehouse are on s3a:// (S3Proxy on loopback, as scripts/s3-test.sh; the executors take the made-up
# credentials from their worker's environment). --input runs a folder of CSVs instead of generated ones, and
# --reference takes a finished local-mode run of that input with the same build and configuration as the reference
# instead of running one (CI: the embedded sample and README command 1's warehouse). Every process it starts is
# stopped on exit, failure or interrupt.
#   scripts/cluster-test.sh [--scale SF | --input DIR] [--reference DIR] [--work DIR] [--no-kill] [--s3]
set -uo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/launcher.sh"
source "$OLIST_ROOT/scripts/lib/e2e.sh"
source "$OLIST_ROOT/scripts/lib/standalone.sh"
source "$OLIST_ROOT/scripts/lib/s3proxy.sh"

scale=0.01
work=$OLIST_ROOT/target/cluster-test
kill_worker=1
s3=0
given_input=""
reference=""
BUCKET=olist
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scale) scale=${2:?--scale needs a value}; shift 2 ;;
    --work) work=${2:?--work needs a value}; shift 2 ;;
    --no-kill) kill_worker=0; shift ;;
    --s3) s3=1; shift ;;
    --input) given_input=${2:?--input needs a folder}; shift 2 ;;
    --reference) reference=${2:?--reference needs a folder}; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "ERROR: unknown option '$1'" >&2; exit 2 ;;
  esac
done
case "$work" in /*) ;; *) work="$PWD/$work" ;; esac

pipeline_pid=""
e2e_cleanup() {
  [[ -n "$pipeline_pid" ]] && kill -TERM "$pipeline_pid" 2>/dev/null && pkill -TERM -f "run-id cluster-test-$$" 2>/dev/null
  standalone_stop
  s3proxy_stop
}
e2e_init cluster-test "$work"
mkdir -p "$work/events"

if [[ -n "$given_input" ]]; then
  local_input=$(cd "$given_input" && pwd) || fail "no input folder $given_input"
else
  local_input=$work/input
  e2e_generate "$scale" "$E2E_SEED" "$local_input"
fi
if [[ -n "$reference" ]]; then
  e2e_given_reference "$reference"
else
  e2e_reference "$local_input"
fi
input=$local_input warehouse=$work/wh-cluster S3_ARGS=()
if ((s3)); then
  # started before the workers: their executors inherit the credentials from the environment
  s3proxy_start "$work/s3-data" "$BUCKET"
  if [[ -n "$given_input" ]]; then
    s3proxy_upload "$local_input" "$work/s3-data" "$BUCKET"
  else
    s3proxy_generate "$scale" "$work/s3-data" "$BUCKET"
  fi
  input=s3a://$BUCKET/raw warehouse=s3a://$BUCKET/warehouse
fi

step "starting a standalone master and 2 workers on 127.0.0.1"
standalone_start "$work/cluster" 2 1 1536m || fail "the standalone cluster did not start"
echo "master $STANDALONE_MASTER, UI $STANDALONE_UI"

step "the pipeline on $STANDALONE_MASTER, input $input, warehouse $warehouse"
export SPARK_LOCAL_IP=127.0.0.1
# conf/cluster.conf as users run it, with shuffles sized to this tiny input (two one-core executors), and not
# taken for a small run: compiled code, adaptive execution, four shuffle partitions. The local reference runs this
# input as a small run (interpreted, one partition per shuffle, no adaptive execution), so the comparison below
# also holds that both ways give the same tables.
cat > "$work/cluster-test.conf" <<CONF
include file("$OLIST_ROOT/conf/cluster.conf")
olist.spark.shuffle-partitions = 4
olist.spark.small-input-mb = 0
CONF
# The driver and the executors compile with C1 only: on two cores shared by the driver, the executors, the master
# and two workers, C2 compiling the code of jobs this small is half the CPU (docs/decisions/jit-settings.md).
c1=-XX:TieredStopAtLevel=1
OLIST_JAVA_OPTS="$c1 ${OLIST_JAVA_OPTS:-}" \
  "$OLIST_ROOT/scripts/run-pipeline.sh" --conf "$work/cluster-test.conf" --master "$STANDALONE_MASTER" \
  --input "$input" --warehouse "$warehouse" --run-id "cluster-test-$$" -- "${S3_ARGS[@]}" \
  --conf spark.eventLog.enabled=true --conf spark.eventLog.dir="file://$work/events" \
  --conf spark.eventLog.compress=false --conf "spark.executor.extraJavaOptions=-Duser.timezone=UTC $c1" \
  --conf spark.executor.memory=1g --conf spark.executor.cores=1 \
  --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
  > "$work/cluster-run.log" 2>&1 &
pipeline_pid=$!

killed=""
if [[ $kill_worker == 1 ]]; then
  # once the second job (intermediate) has an executor on worker-2, give it some seconds of tasks, then kill -9
  while kill -0 "$pipeline_pid" 2>/dev/null; do
    if [[ $(find "$work/cluster/worker-2" -path '*/app-*/*/stderr' 2>/dev/null | wc -l) -ge 2 ]]; then
      sleep 12
      kill -9 "$(standalone_pid worker-2)" && killed=$(date -u +%H:%M:%S)
      echo "killed worker-2 (kill -9) at $killed, after $(grep -a -c succeeded "$work/cluster-run.log") finished jobs"
      break
    fi
    sleep 0.5
  done
fi
wait "$pipeline_pid"
rc=$?
pipeline_pid=""
cat "$work/cluster-run.log"
[[ $rc -eq 0 ]] || fail "the pipeline on the cluster exited $rc"
[[ $kill_worker == 0 || -n "$killed" ]] || fail "worker-2 was never killed (it got no executor for the second job)"

step "executors seen in the event logs"
expect=()
[[ -n "$killed" ]] && expect=(--expect-lost)
python3 "$OLIST_ROOT/scripts/lib/event_log_summary.py" "$work/events" 6 2 "${expect[@]}" \
  || fail "the event logs do not show six applications with executors on both workers${killed:+ and the lost one}"

if ((s3)); then
  [[ -d "$work/s3-data/$BUCKET/warehouse/marts/fct_order_items/_delta_log" ]] \
    || fail "the fact's Delta log is not in the S3 server's storage"
fi
e2e_compare "$local_input" "$warehouse" "${S3_ARGS[@]}"
((s3)) && s3proxy_no_leak
echo "cluster-test passed"
