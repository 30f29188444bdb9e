package org.olist.marts.common.delta;

import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaTableBuilder;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.olist.marts.common.OlistException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Path-based Delta reads and atomic writes (one commit per table write). */
public final class DeltaTables {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaTables.class);
  private DeltaTables() {
  }

  public static boolean exists(SparkSession spark, String path) {
    return DeltaTable.isDeltaTable(spark, path);
  }

  public static Dataset<Row> read(SparkSession spark, String path) {
    return reader(spark, path).load(path);
  }

  /** The table as it was at {@code version} (the latest, say, pinned so that two reads see the same data). */
  public static Dataset<Row> read(SparkSession spark, String path, long version) {
    return reader(spark, path).option("versionAsOf", version).load(path);
  }

  private static org.apache.spark.sql.DataFrameReader reader(SparkSession spark, String path) {
    if (!exists(spark, path)) {
      throw new OlistException("Cannot read Delta table " + path + ": it does not exist (run the upstream job first)");
    }
    return spark.read().format("delta");
  }

  /**
   * Replaces the table's content in one commit; readers see the old or the new version. The table is created
   * from the catalog schema first (Delta keeps NOT NULL only for columns declared at creation, and then
   * checks it on every write); a table whose schema no longer matches the catalog is recreated.
   */
  public static Commit overwrite(Dataset<Row> df, String path, StructType schema, List<String> partitionBy) {
    return overwrite(df, path, schema, partitionBy, java.util.Map.of());
  }

  /** As {@link #overwrite(Dataset, String, StructType, List)} with writer options (replaceWhere, userMetadata). */
  public static Commit overwrite(Dataset<Row> df, String path, StructType schema, List<String> partitionBy,
                                 java.util.Map<String, String> options) {
    SparkSession spark = df.sparkSession();
    if (!exists(spark, path)) {
      create(spark, path, schema, partitionBy, false);
    } else {
      org.apache.spark.sql.delta.Snapshot snapshot = DeltaTable.forPath(spark, path).deltaLog()
          .unsafeVolatileSnapshot();
      StructType current = snapshot.schema();
      List<String> currentPartitions =
          scala.jdk.javaapi.CollectionConverters.asJava(snapshot.metadata().partitionColumns());
      if (!current.equals(schema) || !currentPartitions.equals(partitionBy)) {
        LOG.warn("Table {} has schema {} partitioned by {}; the catalog says {} partitioned by {}: recreating it",
            path, current.simpleString(), currentPartitions, schema.simpleString(), partitionBy);
        create(spark, path, schema, partitionBy, true);
      }
    }
    df.write().format("delta").mode(SaveMode.Overwrite).options(options).save(path);
    return lastCommit(spark, path);
  }

  private static void create(SparkSession spark, String path, StructType schema, List<String> partitionBy,
                             boolean replace) {
    // replace, not createOrReplace: the latter refuses a path-based table whose partitioning differs
    DeltaTableBuilder builder = replace ? DeltaTable.replace(spark) : DeltaTable.createIfNotExists(spark);
    builder.location(path).addColumns(schema).partitionedBy(partitionBy.toArray(String[]::new)).execute();
  }


  /** Appends in one commit, creating the table from the catalog schema the first time. */
  public static long append(Dataset<Row> df, String path, StructType schema, List<String> partitionBy) {
    if (!exists(df.sparkSession(), path)) {
      create(df.sparkSession(), path, schema, partitionBy, false);
    }
    df.write().format("delta").mode(SaveMode.Append).save(path);
    return version(df.sparkSession(), path);
  }

  /** The latest commit of a table: its version and operation metrics (rows written, files added...). */
  public record Commit(long version, java.util.Map<String, String> metrics) {
    public long metric(String name) {
      String value = metrics.get(name);
      return value == null ? 0L : Long.parseLong(value);
    }
  }

  public static Commit lastCommit(SparkSession spark, String path) {
    Row last = DeltaTable.forPath(spark, path).history(1).select("version", "operationMetrics").first();
    java.util.Map<String, String> metrics = last.isNullAt(1) ? java.util.Map.of() : last.getJavaMap(1);
    return new Commit(last.getLong(0), metrics);
  }

  public static long version(SparkSession spark, String path) {
    Row last = DeltaTable.forPath(spark, path).history(1).select("version").first();
    return last.getLong(0);
  }
}
