#!/usr/bin/env bash
# SPEC §8 on a real cluster: the whole pipeline, through the orchestrator, on a Spark standalone master and two
# workers on loopback (separate JVMs, executors in their own JVMs, built from the project's jars), and one
# worker killed with kill -9 while the pipeline runs. Exits 0 only when the run succeeded, the event logs show
# executors on both workers, and every table equals a local-mode run on the same generated input.
# Every process it starts is stopped on exit, failure or interrupt.
#   scripts/cluster-test.sh [--scale SF] [--work DIR] [--no-kill]
set -uo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/launcher.sh"
source "$OLIST_ROOT/scripts/lib/standalone.sh"

scale=0.01
work=$OLIST_ROOT/target/cluster-test
kill_worker=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scale) scale=${2:?--scale needs a value}; shift 2 ;;
    --work) work=${2:?--work needs a value}; shift 2 ;;
    --no-kill) kill_worker=0; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "ERROR: unknown option '$1'" >&2; exit 2 ;;
  esac
done
case "$work" in /*) ;; *) work="$PWD/$work" ;; esac

pipeline_pid=""
cleanup() {
  [[ -n "$pipeline_pid" ]] && kill -TERM "$pipeline_pid" 2>/dev/null && pkill -TERM -f "run-id cluster-test-$$" 2>/dev/null
  standalone_stop
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM
fail() { echo "cluster-test FAILED: $*" >&2; exit 1; }
step() { echo "== $*"; }

olist_ensure_built || exit 1
rm -rf "$work"
mkdir -p "$work/events"
export OLIST_LOG_DIR=$work/logs

step "generating SF $scale input"
"$OLIST_ROOT/scripts/generate-data.sh" --scale "$scale" --seed 11 --out "$work/input" > "$work/generate.log" 2>&1 \
  || { cat "$work/generate.log" >&2; fail "data generation"; }

step "reference run in local mode"
"$OLIST_ROOT/scripts/run-pipeline.sh" --input "$work/input" --warehouse "$work/wh-local" --run-id local-ref \
  || fail "the local-mode reference run"

step "starting a standalone master and 2 workers on 127.0.0.1"
standalone_start "$work/cluster" 2 1 1536m || fail "the standalone cluster did not start"
echo "master $STANDALONE_MASTER, UI $STANDALONE_UI"

step "the pipeline on $STANDALONE_MASTER"
export SPARK_LOCAL_IP=127.0.0.1
"$OLIST_ROOT/scripts/run-pipeline.sh" --conf "$OLIST_ROOT/conf/cluster.conf" --master "$STANDALONE_MASTER" \
  --input "$work/input" --warehouse "$work/wh-cluster" --run-id "cluster-test-$$" -- \
  --conf spark.eventLog.enabled=true --conf spark.eventLog.dir="file://$work/events" \
  --conf spark.eventLog.compress=false --conf spark.executor.memory=1g --conf spark.executor.cores=1 \
  --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
  > "$work/cluster-run.log" 2>&1 &
pipeline_pid=$!

killed=""
if [[ $kill_worker == 1 ]]; then
  # once the second job's application has an executor on worker-2, give it a few seconds of tasks, then kill -9
  while kill -0 "$pipeline_pid" 2>/dev/null; do
    if [[ $(find "$work/cluster/worker-2" -mindepth 2 -maxdepth 2 -name stderr 2>/dev/null | wc -l) -ge 1 ]] \
       && [[ $(find "$work/cluster/worker-2" -mindepth 1 -maxdepth 1 -name 'app-*' | wc -l) -ge 2 ]]; then
      sleep 5
      kill -9 "$(standalone_pid worker-2)" && killed=$(date -u +%H:%M:%S)
      echo "killed worker-2 (kill -9) at $killed, during: $(grep -a -c succeeded "$work/cluster-run.log") jobs done"
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

step "executors seen in the event logs"
python3 - "$work/events" "$kill_worker" <<'PY' || fail "the event logs do not show the executors expected"
import json, os, re, sys
events, kill = sys.argv[1], sys.argv[2] == "1"
workers, removed, lost_tasks, apps = set(), [], 0, 0
for name in sorted(os.listdir(events)):
    apps += 1
    for line in open(os.path.join(events, name)):
        e = json.loads(line)
        kind = e.get("Event")
        if kind == "SparkListenerExecutorAdded":
            info = e["Executor Info"]
            url = info.get("Log Urls", {}).get("stderr", "")
            m = re.search(r"//([^/]+)/", url)
            workers.add(m.group(1) if m else info["Host"])
        elif kind == "SparkListenerExecutorRemoved":
            removed.append((name, e["Executor ID"], e.get("Removed Reason", "")))
        elif kind == "SparkListenerTaskEnd" and e.get("Task End Reason", {}).get("Reason") == "ExecutorLostFailure":
            lost_tasks += 1
print(f"{apps} applications; executors ran on workers {sorted(workers)}")
for app, ex, why in removed:
    print(f"executor {ex} of {app} removed: {why[:160]}")
print(f"tasks lost with their executor and retried: {lost_tasks}")
ok = apps >= 6 and len(workers) >= 2 and (not kill or removed)
sys.exit(0 if ok else 1)
PY

step "comparing every table with the local-mode run"
olist_submit "" org.olist.marts.jobs.verify.CompareJob -- --conf "$OLIST_ROOT/conf/local.conf" \
  --input "$work/input" --warehouse "$work/wh-cluster" --expected "$work/wh-local" > "$work/compare.log" 2>&1 \
  || { grep -a -E 'ERROR|Cannot' "$work/compare.log" >&2; fail "tables differ from the local-mode run"; }
grep -a -E 'All [0-9]+ tables' "$work/compare.log"
echo "cluster-test passed"
