package org.olist.marts.common.audit;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.olist.marts.common.catalog.ModelCatalog;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.delta.Warehouse;

/**
 * The version of each table that the last successful attempt of its writer published, from {@code audit/job_runs}
 * (SPEC §10: a layer is read consistently). A job attempt that failed, or was killed before it could record
 * anything, publishes nothing: the next layer keeps reading the versions of the attempt before it, even where the
 * failed one had already replaced some tables.
 */
public final class PublishedVersions {
  /** Per-attempt identifier in every audit row's details: a run id can be used again, an attempt cannot. */
  public static final String ATTEMPT = RunDetail.ATTEMPT.key();

  /**
   * One table's published version, its writer, and what the publishing row said (its counts and details: what the
   * version was built from, say).
   */
  public record Published(String table, String job, String runId, long version, Long rowsIn, Long rowsOut,
                          Map<String, String> details) {
    public Published {
      details = Map.copyOf(details);
    }

    /** A detail of the publishing row; empty when it has none. */
    public Optional<String> detail(DetailKey key) {
      return Optional.ofNullable(details.get(key.key()));
    }
  }

  private final Map<String, Published> tables;

  private PublishedVersions(Map<String, Published> tables) {
    this.tables = tables;
  }

  public static PublishedVersions load(SparkSession spark, Warehouse warehouse) {
    String path = warehouse.path(ModelCatalog.get().table(JobRunAudit.TABLE));
    Map<String, Published> out = new HashMap<>();
    if (DeltaTables.exists(spark, path)) {
      for (Row r : latest(DeltaTables.read(spark, path)).collectAsList()) {
        int d = r.fieldIndex("details");
        Map<String, String> details = r.isNullAt(d) ? Map.of() : r.getJavaMap(d);
        out.put(r.getAs("table_name"), new Published(r.getAs("table_name"), r.getAs("job"), r.getAs("run_id"),
            r.<Long>getAs("delta_version"), r.getAs("rows_in"), r.getAs("rows_out"), details));
      }
    }
    return new PublishedVersions(out);
  }

  /**
   * Per table, the newest row written by an attempt that did not fail (all its columns). Rows from before attempts
   * were recorded count per (run, job).
   */
  public static Dataset<Row> latest(Dataset<Row> jobRuns) {
    Column attempt = coalesce(element_at(col("details"), lit(ATTEMPT)), concat_ws("/", col("run_id"), col("job")));
    Dataset<Row> runs = jobRuns.withColumn(ATTEMPT, attempt);
    Dataset<Row> failed = runs.filter(col("status").equalTo(JobRun.FAILED)).select(ATTEMPT).distinct();
    return runs.filter(col("status").equalTo(JobRun.SUCCEEDED).and(col("table_name").isNotNull())
            .and(col("delta_version").isNotNull()))
        .join(failed, ATTEMPT, "left_anti")
        .withColumn("_newest", row_number().over(Window.partitionBy("table_name")
            .orderBy(desc("ended_at"), desc("delta_version"))))
        .filter(col("_newest").equalTo(1))
        .drop("_newest", ATTEMPT);
  }

  /** The published version of a table ({@code staging/stg_orders}); empty when no successful write is recorded. */
  public Optional<Published> of(String relativePath) {
    return Optional.ofNullable(tables.get(relativePath));
  }
}
