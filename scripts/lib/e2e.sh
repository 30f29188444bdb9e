#!/usr/bin/env bash
# Shared by the end-to-end scripts: their work folder, failure and step lines (metrics-test.sh too), and for
# cluster-test.sh and s3-test.sh the same generated input run once in local mode as the reference, and every
# table of the run under test compared with it (CompareJob).
# Source after lib/launcher.sh; call e2e_init NAME WORK first. The caller defines e2e_cleanup (called on exit).

e2e_init() {
  E2E_NAME=$1
  E2E_WORK=$2
  trap 'e2e_cleanup' EXIT
  trap 'echo "interrupted" >&2; exit 130' INT TERM
  olist_ensure_built || exit 1
  rm -rf "$E2E_WORK"
  mkdir -p "$E2E_WORK"
  export OLIST_LOG_DIR=$E2E_WORK/logs
}

# the seed of the generated input of every end-to-end script: one input, so one reference run (e2e_reference)
E2E_SEED=11

fail() { echo "$E2E_NAME FAILED: $*" >&2; exit 1; }
# each step with its start time (UTC): a CI log shows where an end-to-end test spends its time
step() { echo "== $(date -u +%H:%M:%S) $*"; }

# e2e_generate SCALE SEED OUT [spark-submit args...]
e2e_generate() {
  local scale=$1 seed=$2 out=$3 log
  shift 3
  log="$E2E_WORK/generate-$(basename "$out").log"
  step "generating SF $scale input into $out"
  "$OLIST_ROOT/scripts/generate-data.sh" --scale "$scale" --seed "$seed" --out "$out" -- "$@" > "$log" 2>&1 \
    || { cat "$log" >&2; fail "data generation into $out"; }
}

# e2e_reference INPUT: the local-mode run every table is compared with, in $E2E_WORK/wh-local (E2E_REFERENCE). The
# same input, jar, classpath, configuration and seeds give the same tables, so a reference is kept under
# target/e2e-reference/<hash of those> and the next script with that input copies it instead of running again
# (cluster-test.sh and s3-test.sh generate the same input).
E2E_REFERENCE=""
e2e_reference() {
  local input=$1 key cache
  E2E_REFERENCE=$E2E_WORK/wh-local
  key=$( (cd "$input" && sha256sum -- *; sha256sum "$APP_JAR" "$CLASSPATH_FILE" "$OLIST_ROOT"/conf/*.conf \
    "$OLIST_ROOT"/conf/catalog/*.conf "$OLIST_ROOT"/data/seeds/*) | sha256sum | cut -c1-16)
  cache="$OLIST_ROOT/target/e2e-reference/$key"
  if [[ -f "$cache/complete" ]]; then
    step "reference run in local mode: the one of $(cat "$cache/complete") on the same input, jar and configuration"
    cp -R "$cache/wh-local" "$E2E_WORK/wh-local" || fail "cannot copy the reference from $cache"
    return 0
  fi
  step "reference run in local mode"
  "$OLIST_ROOT/scripts/run-pipeline.sh" --input "$input" --warehouse "$E2E_WORK/wh-local" --run-id local-ref \
    || fail "the local-mode reference run"
  rm -rf "$cache" && mkdir -p "$cache" && cp -R "$E2E_WORK/wh-local" "$cache/wh-local" \
    && echo "$E2E_NAME" > "$cache/complete" || echo "could not keep the reference in $cache" >&2
}

# e2e_given_reference DIR: a finished local-mode run of the same input with the same build and configuration (in
# CI, README command 1's warehouse) is the reference instead.
e2e_given_reference() {
  [[ -d "$1/marts/fct_order_items/_delta_log" ]] \
    || fail "--reference $1 holds no finished run (no marts/fct_order_items)"
  E2E_REFERENCE=$(cd "$1" && pwd)
  step "reference: the local-mode run in $E2E_REFERENCE"
}

# e2e_compare INPUT WAREHOUSE [spark-submit args...]: every table of WAREHOUSE equals the reference's.
e2e_compare() {
  local input=$1 warehouse=$2
  shift 2
  step "comparing every table of $warehouse with the local-mode run"
  olist_submit "" org.olist.marts.jobs.verify.CompareJob "$@" -- --conf "$OLIST_ROOT/conf/local.conf" \
    --input "$input" --warehouse "$warehouse" --expected "$E2E_REFERENCE" > "$E2E_WORK/compare.log" 2>&1 \
    || { grep -a -E 'ERROR|Cannot' "$E2E_WORK/compare.log" >&2; fail "tables of $warehouse differ from the local-mode run"; }
  grep -a -E 'All [0-9]+ tables' "$E2E_WORK/compare.log"
}
