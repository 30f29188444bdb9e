package org.olist.marts.common.delta;

import io.delta.tables.DeltaTable;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.olist.marts.common.OlistException;

/** Path-based Delta reads and atomic writes (one commit per table write). */
public final class DeltaTables {
  private DeltaTables() {
  }

  public static boolean exists(SparkSession spark, String path) {
    return DeltaTable.isDeltaTable(spark, path);
  }

  public static Dataset<Row> read(SparkSession spark, String path) {
    if (!exists(spark, path)) {
      throw new OlistException("Cannot read Delta table " + path + ": it does not exist (run the upstream job first)");
    }
    return spark.read().format("delta").load(path);
  }

  /** Replaces the table's content and schema in one commit; readers see the old or the new version. */
  public static long overwrite(Dataset<Row> df, String path, List<String> partitionBy) {
    df.write().format("delta").mode(SaveMode.Overwrite)
        .option("overwriteSchema", "true")
        .partitionBy(partitionBy.toArray(String[]::new))
        .save(path);
    return version(df.sparkSession(), path);
  }

  public static long append(Dataset<Row> df, String path) {
    df.write().format("delta").mode(SaveMode.Append).save(path);
    return version(df.sparkSession(), path);
  }

  /** Rows written by the table's latest commit, from its Delta operation metrics (no second scan). */
  public static long writtenRows(SparkSession spark, String path) {
    Row last = DeltaTable.forPath(spark, path).history(1).select("operationMetrics").first();
    scala.collection.Map<String, String> metrics = last.getMap(0);
    if (metrics == null || metrics.get("numOutputRows").isEmpty()) {
      return spark.read().format("delta").load(path).count();
    }
    return Long.parseLong(metrics.get("numOutputRows").get());
  }

  public static long version(SparkSession spark, String path) {
    Row last = DeltaTable.forPath(spark, path).history(1).select("version").first();
    return last.getLong(0);
  }
}
