#!/usr/bin/env bash
# SPEC §8 on S3: the whole pipeline with its input and warehouse on s3a:// (hadoop-aws 3.4.1, AWS SDK v2 s3
# modules, path-style access) against a real S3 server on loopback (S3Proxy from the Maven registry with a
# filesystem backend). Credentials are made up per run and reach Spark through the standard AWS environment
# variables, never a file in the repo. Exits 0 only when the run succeeded and every table equals a local-mode
# run on the same generated input; the S3 server is stopped on exit, failure or interrupt.
#   scripts/s3-test.sh [--scale SF] [--work DIR]
set -uo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/launcher.sh"
source "$OLIST_ROOT/scripts/lib/e2e.sh"
source "$OLIST_ROOT/scripts/lib/s3proxy.sh"

BUCKET=olist
scale=0.01
work=$OLIST_ROOT/target/s3-test
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scale) scale=${2:?--scale needs a value}; shift 2 ;;
    --work) work=${2:?--work needs a value}; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "ERROR: unknown option '$1'" >&2; exit 2 ;;
  esac
done
case "$work" in /*) ;; *) work="$PWD/$work" ;; esac

e2e_cleanup() { s3proxy_stop; }
e2e_init s3-test "$work"
s3proxy_start "$work/s3-data" "$BUCKET"

e2e_generate "$scale" "$E2E_SEED" "$work/input"
s3proxy_generate "$scale" "$work/s3-data" "$BUCKET"
e2e_reference "$work/input"

step "the pipeline with input and warehouse on s3a://$BUCKET"
"$OLIST_ROOT/scripts/run-pipeline.sh" --conf "$OLIST_ROOT/conf/cluster.conf" --input "s3a://$BUCKET/raw" \
  --warehouse "s3a://$BUCKET/warehouse" --run-id s3-test -- "${S3_ARGS[@]}" || fail "the pipeline on s3a://"
[[ -d "$work/s3-data/$BUCKET/warehouse/marts/fct_order_items/_delta_log" ]] \
  || fail "the fact's Delta log is not in the S3 server's storage"

e2e_compare "$work/input" "s3a://$BUCKET/warehouse" "${S3_ARGS[@]}"
s3proxy_no_leak
echo "s3-test passed"
