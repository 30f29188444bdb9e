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

S3PROXY_VERSION=2.6.0
CACHE=${OLIST_CACHE:-$HOME/.cache/olist-marts}
S3PROXY_JAR=$CACHE/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar
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

server_pid=""
e2e_cleanup() {
  if [[ -n "$server_pid" ]]; then kill -TERM "$server_pid" 2>/dev/null; sleep 1; kill -KILL "$server_pid" 2>/dev/null; fi
  return 0
}
e2e_init s3-test "$work"
mkdir -p "$work/s3-data/$BUCKET"

if [[ ! -s "$S3PROXY_JAR" ]]; then
  step "fetching org.gaul:s3proxy:$S3PROXY_VERSION with Maven"
  mkdir -p "$CACHE"
  mvn -B -q dependency:copy -Dartifact=org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies \
    -DoutputDirectory="$CACHE" || fail "cannot fetch S3Proxy with Maven"
fi

step "starting S3Proxy on 127.0.0.1 (filesystem backend under $work/s3-data)"
port=$(olist_free_port)
export AWS_ACCESS_KEY_ID="olist-test-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
export AWS_SECRET_ACCESS_KEY="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
export AWS_REGION=us-east-1
umask 077
cat > "$work/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$AWS_ACCESS_KEY_ID
s3proxy.credential=$AWS_SECRET_ACCESS_KEY
jclouds.provider=filesystem
jclouds.filesystem.basedir=$work/s3-data
PROPS
umask 022
"$(olist_java)" -Xmx512m -jar "$S3PROXY_JAR" --properties "$work/s3proxy.properties" > "$work/s3proxy.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/s3proxy.log" >&2; fail "S3Proxy exited"; }
  sleep 0.5
done
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || fail "S3Proxy did not listen on $port"

# Everything S3A needs beyond the credentials (which come from the environment provider chain).
s3_args=(--conf "spark.hadoop.fs.s3a.endpoint=http://127.0.0.1:$port"
  --conf spark.hadoop.fs.s3a.endpoint.region=us-east-1
  --conf spark.hadoop.fs.s3a.path.style.access=true
  --conf spark.hadoop.fs.s3a.connection.ssl.enabled=false
  --conf spark.hadoop.fs.s3a.aws.credentials.provider=software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider)

e2e_generate "$scale" "$E2E_SEED" "$work/input"
e2e_generate "$scale" "$E2E_SEED" "s3a://$BUCKET/raw" "${s3_args[@]}"
cmp <(cd "$work/input" && cat $(ls)) <(cd "$work/s3-data/$BUCKET/raw" && cat $(ls)) >/dev/null \
  || fail "the input written to S3 differs from the local one"
e2e_reference "$work/input"

step "the pipeline with input and warehouse on s3a://$BUCKET"
"$OLIST_ROOT/scripts/run-pipeline.sh" --conf "$OLIST_ROOT/conf/cluster.conf" --input "s3a://$BUCKET/raw" \
  --warehouse "s3a://$BUCKET/warehouse" --run-id s3-test -- "${s3_args[@]}" || fail "the pipeline on s3a://"
[[ -d "$work/s3-data/$BUCKET/warehouse/marts/fct_order_items/_delta_log" ]] \
  || fail "the fact's Delta log is not in the S3 server's storage"

e2e_compare "$work/input" "s3a://$BUCKET/warehouse" "${s3_args[@]}"
grep -a -l -r "$AWS_SECRET_ACCESS_KEY" "$OLIST_ROOT" --include='*.conf' --include='*.properties' --exclude-dir=target \
  && fail "the S3 secret leaked into a file of the repository"
echo "s3-test passed"
