#!/usr/bin/env bash
# The whole pipeline on YARN with tables on S3 (client deploy mode: the orchestrator reads each job's result).
# Needs SPARK_HOME (Spark 4.0.x, Scala 2.13) and HADOOP_CONF_DIR/YARN_CONF_DIR of the cluster.
#   OLIST_INPUT=s3a://bucket/olist/raw OLIST_WAREHOUSE=s3a://bucket/olist/warehouse scripts/examples/submit-yarn.sh [orchestrator options]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${SPARK_HOME:?set SPARK_HOME to a Spark 4.0.x (Scala 2.13) installation}"
: "${OLIST_INPUT:?set OLIST_INPUT (e.g. s3a://bucket/olist/raw)}" "${OLIST_WAREHOUSE:?set OLIST_WAREHOUSE}"
export SPARK_HOME OLIST_INPUT OLIST_WAREHOUSE
# s3a:// support when the cluster lacks it: hadoop-aws with the two AWS SDK modules it uses, not the 500 MB bundle
OLIST_S3A_PACKAGES=${OLIST_S3A_PACKAGES:-org.apache.hadoop:hadoop-aws:3.4.1,software.amazon.awssdk:s3:2.24.8,software.amazon.awssdk:s3-transfer-manager:2.24.8}
exec "$root/scripts/run-pipeline.sh" --conf "$root/conf/cluster.conf" --master yarn "$@" -- \
  --deploy-mode client \
  --packages "$OLIST_S3A_PACKAGES" --exclude-packages software.amazon.awssdk:bundle \
  --num-executors "${OLIST_EXECUTORS:-4}" --executor-cores "${OLIST_EXECUTOR_CORES:-4}" \
  --executor-memory "${OLIST_EXECUTOR_MEMORY:-8g}" --driver-memory "${OLIST_DRIVER_MEMORY:-4g}"
