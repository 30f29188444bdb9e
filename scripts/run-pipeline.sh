#!/usr/bin/env bash
# olist-marts orchestrator (SPEC §8): runs the selected jobs in order, stops at the first failure with a non-zero
# exit code, and prints one progress line per job. Locally (no SPARK_HOME, a local master) the jobs run in one JVM
# on one SparkContext (LocalRunner); on a cluster, or with --jvm-per-job, each job is its own spark-submit.
set -uo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/launcher.sh"

ALL_JOBS=(staging intermediate marts rls test status maintain)
# the jobs a run without --jobs runs (maintain is scheduled apart, weekly: README "Table maintenance")
DEFAULT_JOBS=(staging intermediate marts rls test status)
declare -A JOB_CLASS=(
  [staging]=org.olist.marts.jobs.staging.StagingJob
  [intermediate]=org.olist.marts.jobs.intermediate.IntermediateJob
  [marts]=org.olist.marts.jobs.marts.MartsJob
  [rls]=org.olist.marts.jobs.rls.RlsJob
  [test]=org.olist.marts.jobs.quality.TestJob
  [status]=org.olist.marts.jobs.status.StatusJob
  [maintain]=org.olist.marts.jobs.maintenance.MaintainJob
)

usage() {
  cat <<USAGE
Usage: scripts/run-pipeline.sh [options] [-- <spark-submit args>]

  --input DIR        raw Olist CSV directory (local, s3a://, hdfs://)   default: data/sample
  --warehouse DIR    Delta warehouse root                               default: ./warehouse
  --conf FILE        environment file over conf/application.conf       default: conf/local.conf
  --master URL       Spark master (local[*], spark://h:7077, yarn, k8s://...)
  --full-refresh     rebuild incremental and Type 0 tables from scratch
  --jobs a,b,...     jobs to run, in pipeline order (${ALL_JOBS[*]}); default: ${DEFAULT_JOBS[*]}
  --from D1 --to D2  backfill: re-process purchase dates D1..D2 (yyyy-MM-dd)
  --run-id ID        run identifier shared by all jobs                 default: generated
  --jvm-per-job      one spark-submit per job also in local mode (the default locally is one JVM for the run)
  -h, --help         this help

A failed job stops the run (exit 1); the status job still records the failed attempt when it is selected.
The engineering clock (meta_project_status.pipeline_last_run_at) moves only after a run of every default job
that passed every error test; a run of some jobs only (--jobs status, say) is recorded as a "partial" attempt.

Environment: SPARK_HOME (use its spark-submit), OLIST_INPUT, OLIST_WAREHOUSE, OLIST_RLS_SEEDS (RLS seed directory,
default data/seeds), OLIST_DRIVER_MEMORY (local JVM heap, default 4g), OLIST_JAVA_OPTS (extra local JVM options),
OLIST_JAVA_GC (the local JVM's collector, default -XX:+UseParallelGC; empty: the JVM's default),
OLIST_LOG_DIR (job logs, default target/pipeline-logs), OLIST_JVM_PER_JOB=1 (as --jvm-per-job).
USAGE
}

input=${OLIST_INPUT:-$OLIST_ROOT/data/sample}
warehouse=${OLIST_WAREHOUSE:-$OLIST_ROOT/warehouse}
conf_file=$OLIST_ROOT/conf/local.conf
master=""
full_refresh=0
jobs_csv=""
from=""
to=""
run_id=""
jvm_per_job=${OLIST_JVM_PER_JOB:-0}
spark_args=()

die() { echo "ERROR: $*" >&2; exit 2; }
need() { [[ $# -ge 2 && -n "$2" ]] || die "option $1 needs a value (see --help)"; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --input) need "$@"; input=$2; shift 2 ;;
    --warehouse) need "$@"; warehouse=$2; shift 2 ;;
    --conf) need "$@"; conf_file=$2; shift 2 ;;
    --master) need "$@"; master=$2; shift 2 ;;
    --full-refresh) full_refresh=1; shift ;;
    --jobs) need "$@"; jobs_csv=$2; shift 2 ;;
    --from) need "$@"; from=$2; shift 2 ;;
    --to) need "$@"; to=$2; shift 2 ;;
    --run-id) need "$@"; run_id=$2; shift 2 ;;
    --jvm-per-job) jvm_per_job=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; spark_args=("$@"); break ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

[[ -f "$conf_file" ]] || die "configuration file '$conf_file' does not exist"
[[ -n "$from" && -z "$to" || -z "$from" && -n "$to" ]] && die "--from and --to go together"
date_re='^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
[[ -z "$from" || "$from" =~ $date_re ]] || die "--from '$from' is not a date (yyyy-MM-dd)"
[[ -z "$to" || "$to" =~ $date_re ]] || die "--to '$to' is not a date (yyyy-MM-dd)"
[[ -z "$from" || ! "$from" > "$to" ]] || die "--from $from is after --to $to"

# Local paths become absolute so that every job sees the same ones whatever its working directory.
absolute() { case "$1" in *://*) echo "$1" ;; /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
input=$(absolute "$input")
warehouse=$(absolute "$warehouse")
conf_file=$(absolute "$conf_file")

selected=()
if [[ -z "$jobs_csv" ]]; then
  selected=("${DEFAULT_JOBS[@]}")
else
  IFS=',' read -r -a requested <<<"$jobs_csv"
  for r in "${requested[@]}"; do
    known=0
    for j in "${ALL_JOBS[@]}"; do [[ "$j" == "$r" ]] && known=1; done
    [[ $known == 1 ]] || die "unknown job '$r' (known: ${ALL_JOBS[*]})"
    [[ -n "${JOB_CLASS[$r]:-}" ]] || die "job '$r' is not available yet in this version (available: ${!JOB_CLASS[*]})"
  done
  for j in "${ALL_JOBS[@]}"; do
    for r in "${requested[@]}"; do [[ "$j" == "$r" ]] && selected+=("$j"); done
  done
fi

[[ -n "$run_id" ]] || run_id="$(date -u +%Y%m%dT%H%M%SZ)-$$"
# one log folder per attempt: a second attempt of a run id (a retry, or a run refused while the first still writes)
# writes beside the first one's logs, never over them
log_dir=${OLIST_LOG_DIR:-$OLIST_ROOT/target/pipeline-logs}/$run_id
n=1
while ! mkdir -p "$(dirname "$log_dir")" || ! mkdir "$log_dir" 2>/dev/null; do
  n=$((n + 1))
  log_dir=${OLIST_LOG_DIR:-$OLIST_ROOT/target/pipeline-logs}/$run_id.attempt-$n
done

olist_ensure_built || exit 1

# the run's jobs share the warehouse lease (SPEC §10): one attempt, kept between jobs while this script lives,
# released by the last job; each job's JVM stops itself if this script dies
job_args=(--conf "$conf_file" --input "$input" --warehouse "$warehouse" --run-id "$run_id"
  --set "olist.test.run-results-file=$OLIST_ROOT/target/run_results.json" --set "olist.lease.keeper-pid=$$"
  --set "olist.lease.attempt=$run_id-$$-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
  --set "olist.status.run-jobs=$(IFS=,; echo "${selected[*]}")")
[[ -n "${OLIST_RLS_SEEDS:-}" ]] || job_args+=(--set "olist.rls.seeds=$OLIST_ROOT/data/seeds")
[[ $full_refresh == 1 ]] && job_args+=(--full-refresh)
[[ -n "$from" ]] && job_args+=(--from "$from" --to "$to")
[[ -n "$master" ]] && job_args+=(--master "$master")

# one JVM for the whole run in local mode (SPEC §8); a cluster gets one spark-submit per job
one_jvm=1
[[ "$jvm_per_job" == 1 || -n "${SPARK_HOME:-}" || ( -n "$master" && "$master" != local* ) ]] && one_jvm=0

total=${#selected[@]}
pipeline_start=$SECONDS

# report N JOB RC SECONDS RESULT_LINE: the job's progress line; on failure, the errors of its log
report() {
  local n=$1 job=$2 rc=$3 secs=$4 result=$5 rows spark_jobs commits
  rows=$(sed -n 's/.* rows=\([0-9]*\).*/\1/p' <<<"$result")
  spark_jobs=$(sed -n 's/.* spark_jobs=\([0-9]*\).*/\1/p' <<<"$result")
  commits=$(sed -n 's/.* commits=\([0-9]*\).*/\1/p' <<<"$result")
  if [[ $rc -eq 0 && "$result" == *"status=succeeded"* ]]; then
    printf '[%d/%d] %-13s succeeded  %5ss  rows written: %s  (%s Spark jobs, %s Delta commits)\n' "$n" "$total" \
      "$job" "$secs" "${rows:-?}" "${spark_jobs:-?}" "${commits:-?}"
    return 0
  fi
  printf '[%d/%d] %-13s FAILED     %5ss  (exit %s)\n' "$n" "$total" "$job" "$secs" "$rc"
  echo "---- errors from $log_dir/$job.log:" >&2
  grep -a -E -A 30 ' ERROR |^ERROR' "$log_dir/$job.log" 2>/dev/null | grep -a -v -E '^\s+at |^OLIST_JOB_RESULT' | head -n 40 >&2
  echo "---- full log: $log_dir/$job.log" >&2
  return 1
}

# the status job's SLO verdict (StatusJob.SLO_LINE), for the summary line; empty when the status job did not run
slo_verdict() {
  sed -n 's/.*StatusJob: SLO: //p' "$log_dir/status.log" 2>/dev/null | tail -n 1
}

recorded() {
  if [[ $1 == true ]]; then
    echo "status        recorded the failed attempt (pipeline_last_run_at unchanged; SLO: $(slo_verdict))"
  else
    echo "status        could not record the failed attempt: see $log_dir/status.log" >&2
  fi
}

echo "olist-marts run $run_id: input $input -> warehouse $warehouse (jobs: ${selected[*]})"
if [[ $one_jvm == 1 ]]; then
  specs=()
  for job in "${selected[@]}"; do specs+=(--job "$job=${JOB_CLASS[$job]}"); done
  n=0
  start=$SECONDS
  runner_rc=""
  while IFS= read -r line; do
    case "$line" in
      OLIST_JOB_RESULT*)
        n=$((n + 1))
        job=$(sed -n 's/.* job=\([^ ]*\).*/\1/p' <<<"$line")
        rc=0
        [[ "$line" == *"status=succeeded"* ]] || rc=1
        report "$n" "$job" "$rc" "$((SECONDS - start))" "$line" || failed=1
        start=$SECONDS ;;
      OLIST_FAILED_ATTEMPT*) recorded "${line##*recorded=}" ;;
      OLIST_RUNNER_EXIT*) runner_rc=${line##* } ;;
    esac
  done < <(olist_submit "$master" org.olist.marts.jobs.runner.LocalRunner "${spark_args[@]}" -- \
             --log-dir "$log_dir" "${specs[@]}" -- "${job_args[@]}" 2>>"$log_dir/runner.log"
           echo "OLIST_RUNNER_EXIT $?")
  if [[ "$runner_rc" != 0 ]]; then
    if [[ $n -lt $total && -z "${failed:-}" ]]; then
      # the JVM ended without a result line for the job it was running (killed, out of memory)
      printf '[%d/%d] %-13s FAILED     %5ss  (exit %s)\n' "$((n + 1))" "$total" "${selected[$n]}" \
        "$((SECONDS - start))" "${runner_rc:-?}"
      echo "---- see $log_dir/${selected[$n]}.log and $log_dir/runner.log" >&2
    fi
    exit 1
  fi
else
  n=0
  for job in "${selected[@]}"; do
    n=$((n + 1))
    log="$log_dir/$job.log"
    start=$SECONDS
    keep_lease=()
    [[ $n -lt $total ]] && keep_lease=(--set "olist.lease.release=false")
    olist_submit "$master" "${JOB_CLASS[$job]}" "${spark_args[@]}" -- "${job_args[@]}" "${keep_lease[@]}" >"$log" 2>&1
    rc=$?
    result=$(grep -a '^OLIST_JOB_RESULT' "$log" | tail -n 1)
    if ! report "$n" "$job" "$rc" "$((SECONDS - start))" "$result"; then
      if [[ "$job" != status && " ${selected[*]} " == *" status "* ]]; then
        olist_submit "$master" "${JOB_CLASS[status]}" "${spark_args[@]}" -- "${job_args[@]}" \
          --set "olist.status.failed-job=$job" >"$log_dir/status.log" 2>&1 && recorded true || recorded false
      fi
      exit 1
    fi
  done
fi
# a Trino started by scripts/trino.sh on this warehouse learns the run's new tables and access sets (the access
# rules themselves it reloads on its own)
if [[ " ${selected[*]} " == *" rls "* && -d "$warehouse" ]]; then
  trino_at=$(bash "$OLIST_ROOT/scripts/trino.sh" status 2>/dev/null | sed -n 's/.*, warehouse //p')
  if [[ -n "$trino_at" && "$trino_at" == "$(cd "$warehouse" && pwd)" ]]; then
    bash "$OLIST_ROOT/scripts/trino.sh" sync >"$log_dir/trino-sync.log" 2>&1 \
      && echo "Trino: $(tail -n 1 "$log_dir/trino-sync.log")" \
      || echo "WARNING: scripts/trino.sh sync failed (see $log_dir/trino-sync.log); the run's data is written" >&2
  fi
fi
slo=$(slo_verdict)
echo "Pipeline succeeded in $((SECONDS - pipeline_start))s${slo:+ (SLO: $slo)}. Delta tables are under $warehouse/{staging,intermediate,marts,secure}; quarantine under $warehouse/quarantine, audit under $warehouse/audit; logs in $log_dir"
[[ " ${selected[*]} " == *" test "* ]] && echo "Data test results: $OLIST_ROOT/target/run_results.json"
exit 0
