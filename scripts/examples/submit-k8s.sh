#!/usr/bin/env bash
# The whole pipeline on Kubernetes with tables on S3, driver on this machine (client mode), executors in pods of
# a Spark 4.0.x image. Needs SPARK_HOME, a kubeconfig, and the API server URL.
#   K8S_API=https://k8s-api:6443 OLIST_INPUT=s3a://… OLIST_WAREHOUSE=s3a://… scripts/examples/submit-k8s.sh [orchestrator options]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${SPARK_HOME:?set SPARK_HOME to a Spark 4.0.x (Scala 2.13) installation}"
: "${K8S_API:?set K8S_API to the Kubernetes API server URL}"
: "${OLIST_INPUT:?set OLIST_INPUT (e.g. s3a://bucket/olist/raw)}" "${OLIST_WAREHOUSE:?set OLIST_WAREHOUSE}"
export SPARK_HOME OLIST_INPUT OLIST_WAREHOUSE
# s3a:// support when the cluster lacks it: hadoop-aws with the two AWS SDK modules it uses, not the 500 MB bundle
OLIST_S3A_PACKAGES=${OLIST_S3A_PACKAGES:-org.apache.hadoop:hadoop-aws:3.4.1,software.amazon.awssdk:s3:2.24.8,software.amazon.awssdk:s3-transfer-manager:2.24.8}
exec "$root/scripts/run-pipeline.sh" --conf "$root/conf/cluster.conf" --master "k8s://$K8S_API" "$@" -- \
  --deploy-mode client \
  --conf spark.kubernetes.container.image="${OLIST_SPARK_IMAGE:-apache/spark:4.0.1-scala2.13-java17-ubuntu}" \
  --conf spark.kubernetes.namespace="${OLIST_K8S_NAMESPACE:-default}" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName="${OLIST_K8S_SERVICE_ACCOUNT:-spark}" \
  --conf spark.executor.instances="${OLIST_EXECUTORS:-4}" --conf spark.executor.memory="${OLIST_EXECUTOR_MEMORY:-8g}" \
  --conf spark.driver.host="${OLIST_DRIVER_HOST:-$(hostname -i | awk '{print $1}')}" \
  --packages "$OLIST_S3A_PACKAGES" --exclude-packages software.amazon.awssdk:bundle
