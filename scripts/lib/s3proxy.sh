#!/usr/bin/env bash
# An S3 server on loopback for the end-to-end scripts: S3Proxy (org.gaul:s3proxy, from the Maven registry, cached)
# with a filesystem backend, credentials made up per run and exported as the standard AWS environment variables
# (never written to a file of the repo), and the spark-submit settings S3A needs besides them.
# Source after lib/e2e.sh; s3proxy_start sets S3_ARGS and S3PROXY_PID, s3proxy_stop ends the server.

S3PROXY_VERSION=2.6.0
S3PROXY_CACHE=${OLIST_CACHE:-$HOME/.cache/olist-marts}
S3PROXY_JAR=$S3PROXY_CACHE/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar
S3PROXY_PID=""

# s3proxy_start DATA BUCKET: serves DATA (bucket BUCKET created) on a free port of 127.0.0.1.
s3proxy_start() {
  local data=$1 bucket=$2 port
  mkdir -p "$data/$bucket"
  if [[ ! -s "$S3PROXY_JAR" ]]; then
    step "fetching org.gaul:s3proxy:$S3PROXY_VERSION with Maven"
    mkdir -p "$S3PROXY_CACHE"
    mvn -B -q dependency:copy -Dartifact=org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies \
      -DoutputDirectory="$S3PROXY_CACHE" || fail "cannot fetch S3Proxy with Maven"
  fi
  step "starting S3Proxy on 127.0.0.1 (filesystem backend under $data)"
  port=$(olist_free_port)
  export AWS_ACCESS_KEY_ID="olist-test-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  export AWS_SECRET_ACCESS_KEY="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
  export AWS_REGION=us-east-1
  umask 077
  cat > "$E2E_WORK/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$AWS_ACCESS_KEY_ID
s3proxy.credential=$AWS_SECRET_ACCESS_KEY
jclouds.provider=filesystem
jclouds.filesystem.basedir=$data
PROPS
  umask 022
  "$(olist_java)" -Xmx512m -jar "$S3PROXY_JAR" --properties "$E2E_WORK/s3proxy.properties" \
    > "$E2E_WORK/s3proxy.log" 2>&1 &
  S3PROXY_PID=$!
  for _ in $(seq 1 60); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    kill -0 "$S3PROXY_PID" 2>/dev/null || { cat "$E2E_WORK/s3proxy.log" >&2; fail "S3Proxy exited"; }
    sleep 0.5
  done
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || fail "S3Proxy did not listen on $port"
  # everything S3A needs beyond the credentials (which come from the environment provider chain)
  S3_ARGS=(--conf "spark.hadoop.fs.s3a.endpoint=http://127.0.0.1:$port"
    --conf spark.hadoop.fs.s3a.endpoint.region=us-east-1
    --conf spark.hadoop.fs.s3a.path.style.access=true
    --conf spark.hadoop.fs.s3a.connection.ssl.enabled=false
    --conf spark.hadoop.fs.s3a.aws.credentials.provider=software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider)
}

# s3proxy_generate SCALE DATA BUCKET: the end-to-end input generated into s3a://BUCKET/raw, checked byte for byte
# against the local generation in $E2E_WORK/input.
s3proxy_generate() {
  local scale=$1 data=$2 bucket=$3
  e2e_generate "$scale" "$E2E_SEED" "s3a://$bucket/raw" "${S3_ARGS[@]}"
  s3proxy_same_input "$E2E_WORK/input" "$data/$bucket/raw"
}

# s3proxy_upload INPUT DATA BUCKET: the local folder INPUT copied to s3a://BUCKET/raw through S3A
# (Hadoop's FsShell, given the settings of S3_ARGS as a core-site.xml of the work folder), checked byte for byte.
s3proxy_upload() {
  local input=$1 data=$2 bucket=$3 arg conf=$E2E_WORK/hadoop-conf
  step "copying $input to s3a://$bucket/raw"
  mkdir -p "$conf"
  {
    echo '<configuration>'
    for arg in "${S3_ARGS[@]}"; do
      [[ $arg == spark.hadoop.* ]] || continue
      arg=${arg#spark.hadoop.}
      echo "  <property><name>${arg%%=*}</name><value>${arg#*=}</value></property>"
    done
    echo '</configuration>'
  } > "$conf/core-site.xml"
  # S3A sees a folder once it holds an object, and the filesystem backend serves no empty folder (FsShell's put wants
  # the destination's folder): one file placed in the backend's storage makes raw/ appear, and the put through S3A
  # replaces it (with the ETag S3A needs to read it) and adds the others.
  mkdir -p "$data/$bucket/raw" && cp "$input/$(ls "$input" | head -1)" "$data/$bucket/raw/"
  "$(olist_java)" -cp "$conf:$APP_JAR:$(cat "$CLASSPATH_FILE")" org.apache.hadoop.fs.FsShell \
    -put -d -f "$input"/* "s3a://$bucket/raw/" > "$E2E_WORK/upload.log" 2>&1 \
    || { cat "$E2E_WORK/upload.log" >&2; fail "cannot copy $input to s3a://$bucket/raw"; }
  s3proxy_same_input "$input" "$data/$bucket/raw"
}

s3proxy_same_input() {
  cmp <(cd "$1" && cat $(ls)) <(cd "$2" && cat $(ls)) >/dev/null \
    || fail "the input written to S3 ($2) differs from $1"
}

# s3proxy_no_leak: fails when the made-up secret is in a configuration file of the repository.
s3proxy_no_leak() {
  grep -a -l -r "$AWS_SECRET_ACCESS_KEY" "$OLIST_ROOT" --include='*.conf' --include='*.properties' \
    --exclude-dir=target && fail "the S3 secret leaked into a file of the repository"
  return 0
}

s3proxy_stop() {
  if [[ -n "$S3PROXY_PID" ]]; then
    kill -TERM "$S3PROXY_PID" 2>/dev/null; sleep 1; kill -KILL "$S3PROXY_PID" 2>/dev/null
  fi
  return 0
}
