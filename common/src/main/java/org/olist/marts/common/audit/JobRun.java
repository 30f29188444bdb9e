package org.olist.marts.common.audit;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.jdk.javaapi.CollectionConverters;

/** One row of {@code audit/job_runs}: what a job did to one table in one run (SPEC §6). */
public record JobRun(String runId, String job, String table, Instant startedAt, Instant endedAt, String status,
                     Long rowsIn, Long rowsOut, Long deltaVersion, String errorMessage, Map<String, String> details) {
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String SKIPPED = "skipped";
  /** The detail that says when the job (not the table write) started: a job's duration is from it to its last row. */
  public static final String JOB_STARTED_AT = RunDetail.JOB_STARTED_AT.key();

  /** The row in the column order of the catalog table {@code job_runs}. */
  public Row toRow() {
    return RowFactory.create(runId, job, table, Timestamp.from(startedAt), Timestamp.from(endedAt),
        Duration.between(startedAt, endedAt).toMillis(), status, rowsIn, rowsOut, deltaVersion, errorMessage,
        CollectionConverters.asScala(details == null ? Map.<String, String>of() : details));
  }
}
