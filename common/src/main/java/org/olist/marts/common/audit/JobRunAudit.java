package org.olist.marts.common.audit;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.olist.marts.common.catalog.ModelCatalog;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.delta.Warehouse;

/** Appends job run rows to {@code audit/job_runs}, one commit per job. */
public final class JobRunAudit {
  public static final String TABLE = "job_runs";

  private JobRunAudit() {
  }

  public static void append(SparkSession spark, Warehouse warehouse, List<JobRun> runs) {
    if (runs.isEmpty()) {
      return;
    }
    TableModel model = ModelCatalog.get().table(TABLE);
    List<Row> rows = runs.stream().map(JobRun::toRow).collect(Collectors.toList());
    Dataset<Row> df = spark.createDataFrame(rows, model.schema()).coalesce(1);
    DeltaTables.append(df, warehouse.path(model), model.schema(), model.partitionBy());
  }

  public static Dataset<Row> read(SparkSession spark, Warehouse warehouse) {
    return DeltaTables.read(spark, warehouse.path(ModelCatalog.get().table(TABLE)));
  }
}
