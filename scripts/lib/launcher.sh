#!/usr/bin/env bash
# Shared by the scripts: finds (or builds) the jars and launches a job class with spark-submit.
# With SPARK_HOME set, its bin/spark-submit is used and the application jar is submitted as-is; otherwise
# Spark's own SparkSubmit runs from the project's classpath (no Spark download needed for local mode).

OLIST_ROOT=${OLIST_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
APP_JAR="$OLIST_ROOT/jobs/target/olist-marts-app.jar"
CLASSPATH_FILE="$OLIST_ROOT/jobs/target/classpath.txt"
LOG4J_CONF="$OLIST_ROOT/conf/log4j2.properties"

JAVA_OPENS=(
  -XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
  -Dio.netty.tryReflectionSetAccessible=true
)

olist_java() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then echo "$JAVA_HOME/bin/java"; else echo java; fi
}

# Builds the application jar and the local classpath when either is missing (or OLIST_REBUILD=1).
olist_ensure_built() {
  if [[ "${OLIST_REBUILD:-0}" == 1 || ! -f "$APP_JAR" || ! -f "$CLASSPATH_FILE" ]]; then
    echo "Building olist-marts (mvn package, tests skipped)..." >&2
    (cd "$OLIST_ROOT" && mvn -B -q -DskipTests package) >&2 || {
      echo "ERROR: the build failed; run 'mvn -DskipTests package' in $OLIST_ROOT to see why" >&2
      return 1
    }
  fi
}

# Class Data Sharing for local launches (OLIST_CDS=1): the first launch after a build records the classes it
# loaded into jobs/target/olist-marts.jsa when it exits (about 18 s once, 180 MB); later launches map them and
# start about 2.5 s faster. Off by default: the first run after every build pays for the dump.
CDS_ARCHIVE="$OLIST_ROOT/jobs/target/olist-marts.jsa"
olist_cds_opts() {
  [[ "${OLIST_CDS:-0}" == 1 ]] || return 0
  if [[ -f "$CDS_ARCHIVE" && "$CDS_ARCHIVE" -nt "$APP_JAR" && "$CDS_ARCHIVE" -nt "$CLASSPATH_FILE" ]]; then
    echo "-XX:SharedArchiveFile=$CDS_ARCHIVE -Xshare:auto"
  else
    # written under a name of its own and moved into place afterwards (two runs may dump at once)
    echo "-XX:ArchiveClassesAtExit=$CDS_ARCHIVE.$$.tmp"
  fi
}

olist_cds_publish() {
  local tmp="$CDS_ARCHIVE.$$.tmp"
  [[ -f "$tmp" ]] && mv -f "$tmp" "$CDS_ARCHIVE"
  return 0
}

# olist_submit MASTER CLASS "SPARK_ARGS..." -- JOB_ARGS...
# MASTER may be empty (spark-submit's default, local[*] without SPARK_HOME).
olist_submit() {
  local master=$1 class=$2
  shift 2
  local spark_args=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do spark_args+=("$1"); shift; done
  [[ "${1:-}" == "--" ]] && shift
  local master_args=()
  [[ -n "$master" ]] && master_args=(--master "$master")
  if [[ -n "${SPARK_HOME:-}" ]]; then
    "$SPARK_HOME/bin/spark-submit" "${master_args[@]}" --class "$class" \
      --driver-java-options "-Dlog4j2.configurationFile=file:$LOG4J_CONF -Duser.timezone=UTC" \
      --conf spark.executor.extraJavaOptions=-Duser.timezone=UTC \
      --conf spark.sql.session.timeZone=UTC \
      "${spark_args[@]}" "$APP_JAR" "$@"
  else
    local rc
    # shellcheck disable=SC2046
    # the parallel collector: a batch run wants throughput, not short pauses (README "Performance")
    "$(olist_java)" "${JAVA_OPENS[@]}" -Xmx"${OLIST_DRIVER_MEMORY:-4g}" ${OLIST_JAVA_GC--XX:+UseParallelGC} \
      $(olist_cds_opts) ${OLIST_JAVA_OPTS:-} \
      -Dlog4j2.configurationFile="file:$LOG4J_CONF" -Dspark.sql.session.timeZone=UTC -Duser.timezone=UTC \
      -cp "$APP_JAR:$(cat "$CLASSPATH_FILE")" org.apache.spark.deploy.SparkSubmit \
      "${master_args[@]}" --class "$class" --conf spark.executor.extraJavaOptions=-Duser.timezone=UTC \
      "${spark_args[@]}" "$APP_JAR" "$@"
    rc=$?
    olist_cds_publish
    return $rc
  fi
}

# A free TCP port on 127.0.0.1 (for the loopback servers the end-to-end scripts start).
olist_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
