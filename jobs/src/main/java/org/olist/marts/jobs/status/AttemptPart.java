package org.olist.marts.jobs.status;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.olist.marts.common.audit.JobRun;
import org.olist.marts.common.audit.PublishedVersions;
import org.olist.marts.common.catalog.ModelCatalog;
import org.olist.marts.jobs.warehouse.AuditDetail;
import org.olist.marts.jobs.warehouse.LoadMode;
import org.olist.marts.jobs.warehouse.Tables;

/**
 * A job attempt's audit rows of one layer, summed: what the SLIs are computed from. It starts when the job started
 * (each row's {@code job_started_at}; the first write, for rows from before it was recorded) and ends with its last row. {@code audit/job_runs} is read
 * in one aggregation (one row per run, job, attempt and layer), the rest is plain Java over the rows.
 */
record AttemptPart(String runId, String job, String attempt, Optional<String> layer, Instant started, Instant ended,
                   boolean failed, long rowsIn, long rowsOut, Optional<Long> factLoadMillis,
                   Optional<Long> backfillMillis) {
  static final String FACT = ModelCatalog.get().table(Tables.FCT_ORDER_ITEMS).relativePath();

  /** The parts of every attempt recorded in {@code job_runs}. */
  static List<AttemptPart> of(Dataset<Row> jobRuns) {
    Column attempt = coalesce(element_at(col("details"), lit(PublishedVersions.ATTEMPT)),
        concat_ws("/", col("run_id"), col("job")));
    Column jobStarted = to_timestamp(element_at(col("details"), lit(JobRun.JOB_STARTED_AT)));
    Column fact = col("table_name").equalTo(FACT);
    Column backfill = fact.and(coalesce(element_at(col("details"), lit(AuditDetail.MODE.key())), lit(""))
        .equalTo(LoadMode.BACKFILL.audit()));
    return jobRuns
        .groupBy(col("run_id"), col("job"), attempt.as("attempt"),
            substring_index(col("table_name"), "/", 1).as("layer"))
        .agg(min(coalesce(jobStarted, col("started_at"))).as("started"), max("ended_at").as("ended"),
            max(when(col("status").equalTo(JobRun.FAILED), 1).otherwise(0)).as("failed"),
            sum(coalesce(col("rows_in"), lit(0L))).as("rows_in"), sum(coalesce(col("rows_out"), lit(0L))).as("rows_out"),
            max(when(fact, col("duration_ms"))).as("fact_ms"), max(when(backfill, col("duration_ms"))).as("backfill_ms"))
        .collectAsList().stream().map(AttemptPart::from).toList();
  }

  private static AttemptPart from(Row r) {
    return new AttemptPart(r.getAs("run_id"), r.getAs("job"), r.getAs("attempt"),
        Optional.ofNullable(r.<String>getAs("layer")), r.<Timestamp>getAs("started").toInstant(),
        r.<Timestamp>getAs("ended").toInstant(), r.<Integer>getAs("failed") == 1, r.<Long>getAs("rows_in"),
        r.<Long>getAs("rows_out"), Optional.ofNullable(r.<Long>getAs("fact_ms")),
        Optional.ofNullable(r.<Long>getAs("backfill_ms")));
  }
}
