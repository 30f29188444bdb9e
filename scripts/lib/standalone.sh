#!/usr/bin/env bash
# A Spark standalone cluster on loopback from the project's own dependency jars (no Spark download): a
# SPARK_HOME whose jars/ links every jar of the local classpath plus a RELEASE file (so executors take their
# classpath from jars/), one master and N workers, each its own JVM, all bound to 127.0.0.1.
# Sourced by scripts/cluster-test.sh after lib/launcher.sh; every process it starts is listed in
# $STANDALONE_DIR/pids so that standalone_stop can end them all.

# standalone_spark_home DIR: builds DIR/jars and DIR/RELEASE from the project's classpath.
standalone_spark_home() {
  local home=$1 jar
  rm -rf "$home"
  mkdir -p "$home/jars" "$home/conf"
  # the file ends without a newline: its last jar is read too
  tr ':' '\n' < "$CLASSPATH_FILE" | while read -r jar || [[ -n "$jar" ]]; do
    [[ -n "$jar" && -f "$jar" ]] && ln -sf "$jar" "$home/jars/$(basename "$jar")"
  done
  echo "Spark 4.0.1 (Scala 2.13, Hadoop 3.4.1) assembled from the olist-marts classpath" > "$home/RELEASE"
}

# standalone_start DIR WORKERS CORES MEMORY: sets STANDALONE_MASTER (spark://...) and STANDALONE_UI.
standalone_start() {
  STANDALONE_DIR=$1
  local workers=$2 cores=$3 memory=$4 home=$1/spark-home i
  mkdir -p "$STANDALONE_DIR/logs"
  : > "$STANDALONE_DIR/pids"
  standalone_spark_home "$home"
  local master_port ui_port java
  master_port=$(olist_free_port)
  ui_port=$(olist_free_port)
  java=$(olist_java)
  SPARK_HOME=$home SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.13 \
    "$java" "${JAVA_OPENS[@]}" -Xmx512m -cp "$home/jars/*" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$master_port" --webui-port "$ui_port" \
    > "$STANDALONE_DIR/logs/master.log" 2>&1 &
  echo "$! master" >> "$STANDALONE_DIR/pids"
  STANDALONE_MASTER="spark://127.0.0.1:$master_port"
  STANDALONE_UI="http://127.0.0.1:$ui_port"
  for i in $(seq 1 "$workers"); do
    mkdir -p "$STANDALONE_DIR/worker-$i"
    SPARK_HOME=$home SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.13 SPARK_WORKER_DIR="$STANDALONE_DIR/worker-$i" \
      "$java" "${JAVA_OPENS[@]}" -Xmx512m -cp "$home/jars/*" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --webui-port "$(olist_free_port)" --cores "$cores" --memory "$memory" \
      --work-dir "$STANDALONE_DIR/worker-$i" "$STANDALONE_MASTER" \
      > "$STANDALONE_DIR/logs/worker-$i.log" 2>&1 &
    echo "$! worker-$i" >> "$STANDALONE_DIR/pids"
  done
  for i in $(seq 1 90); do
    if curl -fsS "$STANDALONE_UI/json/" 2>/dev/null | grep -q "\"aliveworkers\" *: *$workers"; then
      return 0
    fi
    sleep 1
  done
  echo "ERROR: the standalone cluster did not come up with $workers workers; logs in $STANDALONE_DIR/logs" >&2
  tail -n 20 "$STANDALONE_DIR"/logs/*.log >&2
  return 1
}

# standalone_pid NAME: the pid of the master or worker-N.
standalone_pid() {
  awk -v n="$1" '$2 == n {print $1}' "$STANDALONE_DIR/pids"
}

# Ends every process started here, and the executors the workers launched.
standalone_stop() {
  [[ -n "${STANDALONE_DIR:-}" && -f "$STANDALONE_DIR/pids" ]] || return 0
  local pid name
  while read -r pid name; do
    pkill -TERM -P "$pid" 2>/dev/null
    kill -TERM "$pid" 2>/dev/null
  done < "$STANDALONE_DIR/pids"
  sleep 2
  while read -r pid name; do
    pkill -KILL -P "$pid" 2>/dev/null
    kill -KILL "$pid" 2>/dev/null
  done < "$STANDALONE_DIR/pids"
  # executors whose worker was killed first exit by themselves; make sure none outlives the test
  pkill -KILL -f "$STANDALONE_DIR/spark-home/jars.*CoarseGrainedExecutorBackend" 2>/dev/null
  return 0
}
