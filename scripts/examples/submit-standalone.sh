#!/usr/bin/env bash
# The whole pipeline on a Spark standalone cluster (scripts/cluster-test.sh does the same on loopback).
# Needs SPARK_HOME and the master URL; paths may be local to every node (shared FS), hdfs:// or s3a://.
#   SPARK_MASTER_URL=spark://spark-master:7077 OLIST_INPUT=… OLIST_WAREHOUSE=… scripts/examples/submit-standalone.sh [orchestrator options]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${SPARK_HOME:?set SPARK_HOME to a Spark 4.0.x (Scala 2.13) installation}"
: "${SPARK_MASTER_URL:?set SPARK_MASTER_URL (spark://host:7077)}"
: "${OLIST_INPUT:?set OLIST_INPUT}" "${OLIST_WAREHOUSE:?set OLIST_WAREHOUSE}"
export SPARK_HOME OLIST_INPUT OLIST_WAREHOUSE
# s3a:// support when the cluster lacks it: hadoop-aws with the two AWS SDK modules it uses, not the 500 MB bundle
OLIST_S3A_PACKAGES=${OLIST_S3A_PACKAGES:-org.apache.hadoop:hadoop-aws:3.4.1,software.amazon.awssdk:s3:2.24.8,software.amazon.awssdk:s3-transfer-manager:2.24.8}
exec "$root/scripts/run-pipeline.sh" --conf "$root/conf/cluster.conf" --master "$SPARK_MASTER_URL" "$@" -- \
  --total-executor-cores "${OLIST_TOTAL_CORES:-8}" --executor-memory "${OLIST_EXECUTOR_MEMORY:-8g}" \
  --packages "$OLIST_S3A_PACKAGES" --exclude-packages software.amazon.awssdk:bundle
