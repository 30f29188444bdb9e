package org.olist.marts.common.delta;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaMergeBuilder;
import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaTableBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.olist.marts.common.OlistException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Path-based Delta reads and atomic writes (one commit per table write). */
public final class DeltaTables {
  /** The writer option of a partial overwrite. */
  public static final String REPLACE_WHERE = "replaceWhere";
  /** The table property that keeps the Change Data Feed: what each commit changed, row by row. */
  public static final String CHANGE_FEED = "delta.enableChangeDataFeed";
  /** The properties of a table whose changes the next layer reads. */
  public static final Map<String, String> WITH_CHANGE_FEED = Map.of(CHANGE_FEED, "true");
  /**
   * The table property that lets a MERGE, UPDATE or DELETE mark the rows it changes in deletion vectors instead of
   * rewriting every file that holds one.
   */
  public static final String DELETION_VECTORS = "delta.enableDeletionVectors";
  /** The writer option that keeps a note with the commit (a high-water mark, say). */
  public static final String USER_METADATA = "userMetadata";
  private static final String USER_METADATA_CONF = "spark.databricks.delta.commitInfo.userMetadata";
  private static final String MATERIALIZE_SOURCE_CONF = "spark.databricks.delta.merge.materializeSource";
  private static final String OVERWRITE_SCHEMA = "overwriteSchema";
  private static final Logger LOG = LoggerFactory.getLogger(DeltaTables.class);
  /** Delta commits made by this JVM, creates included: what the benchmark reports per job. */
  private static final AtomicLong COMMITS = new AtomicLong();

  private DeltaTables() {
  }

  /** The Delta commits this JVM has made so far (a job's count is the difference over its run). */
  public static long commitsSoFar() {
    return COMMITS.get();
  }

  /** Counts a commit made outside this class (a compaction). */
  static void counted() {
    COMMITS.incrementAndGet();
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

  private static DataFrameReader reader(SparkSession spark, String path) {
    if (!exists(spark, path)) {
      throw new OlistException("Cannot read Delta table " + path + ": it does not exist (run the upstream job first)");
    }
    return spark.read().format("delta");
  }

  /**
   * Replaces the table's content in one commit; readers see the old or the new version. The table is created
   * from the catalog schema first (Delta keeps NOT NULL only for columns declared at creation, and then
   * checks it on every write). A table whose schema or partitioning no longer matches the catalog gets the new
   * schema and the new rows in the same commit, so no version of it is ever empty (SPEC §10). Delta cannot
   * declare NOT NULL in such a commit: the columns stay nullable in the Delta schema (the writers' contract check
   * still refuses a null there) until the table is dropped and built again; that difference alone is no reason
   * to replace the schema again.
   */
  public static Commit overwrite(Dataset<Row> df, String path, StructType schema, List<String> partitionBy) {
    return overwrite(df, path, schema, partitionBy, Map.of());
  }

  /**
   * As {@link #overwrite(Dataset, String, StructType, List)} with writer options (replaceWhere, userMetadata).
   * A partial overwrite ({@code replaceWhere}) of a table whose schema differs from the catalog is refused: it
   * would have to drop every row outside the window.
   */
  public static Commit overwrite(Dataset<Row> df, String path, StructType schema, List<String> partitionBy,
                                 Map<String, String> options) {
    return overwrite(df, path, schema, partitionBy, options, Map.of());
  }

  /**
   * As {@link #overwrite(Dataset, String, StructType, List, Map)}, the table keeping the table {@code properties}
   * (set at creation, or first on a table that lacks them: {@link #ensureProperties}).
   */
  public static Commit overwrite(Dataset<Row> df, String path, StructType schema, List<String> partitionBy,
                                 Map<String, String> options, Map<String, String> properties) {
    SparkSession spark = df.sparkSession();
    DataFrameWriter<Row> writer = df.write().format("delta").mode(SaveMode.Overwrite).options(options);
    if (!exists(spark, path)) {
      create(spark, path, schema, partitionBy, properties);
      if (!options.containsKey(REPLACE_WHERE)) {
        // the new table is empty: an append writes the same and spares Delta listing the files an overwrite removes
        writer = writer.mode(SaveMode.Append);
      }
    } else {
      ensureProperties(spark, path, properties);
      List<String> differences = differences(spark, path, schema, partitionBy);
      if (!differences.isEmpty() && options.containsKey(REPLACE_WHERE)) {
        throw partialWriteRefused("replace part of " + path + " (" + options.get(REPLACE_WHERE) + ")", differences);
      }
      if (!differences.isEmpty()) {
        LOG.warn("Table {} differs from the catalog; its schema and rows are replaced in one commit:\n{}", path,
            String.join("\n", differences));
        writer = writer.option(OVERWRITE_SCHEMA, "true").partitionBy(partitionBy.toArray(String[]::new));
      }
    }
    writer.save(path);
    COMMITS.incrementAndGet();
    return lastCommit(spark, path);
  }

  /**
   * Leaves the table empty in one commit, for a caller that knows it has no rows to write (an empty quarantine):
   * a missing table is only created, with no data file to write; an existing one is overwritten with nothing. The
   * table keeps the table {@code properties}, as {@link #overwrite(Dataset, String, StructType, List, Map, Map)}.
   */
  public static Commit empty(SparkSession spark, String path, StructType schema, List<String> partitionBy,
                             Map<String, String> properties) {
    if (exists(spark, path)) {
      return overwrite(spark.createDataFrame(List.of(), schema), path, schema, partitionBy, Map.of(), properties);
    }
    create(spark, path, schema, partitionBy, properties);
    return lastCommit(spark, path);
  }

  /** A partial write (replaceWhere, MERGE) to a table that no longer matches the catalog, refused. */
  private static OlistException partialWriteRefused(String what, List<String> differences) {
    return new OlistException("Cannot " + what + ": the table differs from the catalog and a partial write never "
        + "recreates a table, which would lose every row it does not write; nothing was written. Rebuild it with "
        + "--full-refresh.\n" + String.join("\n", differences));
  }

  /**
   * How the table differs from the catalog's schema and partitioning, one line per difference; empty when it
   * does not. A column the table allows null and the catalog declares NOT NULL is no difference: rows that honour
   * the catalog can be written there as they are. Read through the public API: the schema as a reader sees it,
   * the partitioning from the detail.
   */
  public static List<String> differences(SparkSession spark, String path, StructType schema,
                                         List<String> partitionBy) {
    return differences(spark, path, schema, partitionBy, TableMaintenance.detail(spark, path));
  }

  /** As {@link #differences(SparkSession, String, StructType, List)}, for a caller that read the detail already. */
  public static List<String> differences(SparkSession spark, String path, StructType schema,
                                         List<String> partitionBy, TableMaintenance.Detail detail) {
    StructType current = DeltaTable.forPath(spark, path).toDF().schema();
    List<String> partitions = detail.partitionColumns();
    List<String> out = new ArrayList<>();
    for (StructField f : current.fields()) {
      if (!List.of(schema.fieldNames()).contains(f.name())) {
        out.add("  column " + f.name() + " " + f.dataType().simpleString() + ": in the table, not in the catalog");
      }
    }
    for (StructField f : schema.fields()) {
      if (!List.of(current.fieldNames()).contains(f.name())) {
        out.add("  column " + f.name() + " " + f.dataType().simpleString() + ": in the catalog, not in the table");
      } else {
        StructField t = current.apply(f.name());
        if (!t.dataType().equals(f.dataType()) || !t.nullable() && f.nullable()) {
          out.add("  column " + f.name() + ": table " + describe(t) + ", catalog " + describe(f));
        }
      }
    }
    if (out.isEmpty() && !List.of(current.fieldNames()).equals(List.of(schema.fieldNames()))) {
      out.add("  column order: table " + List.of(current.fieldNames()) + ", catalog " + List.of(schema.fieldNames()));
    }
    if (!partitions.equals(partitionBy)) {
      out.add("  partitioned by: table " + partitions + ", catalog " + partitionBy);
    }
    return out;
  }

  private static String describe(StructField f) {
    return f.dataType().simpleString() + (f.nullable() ? "" : " NOT NULL");
  }

  private static void create(SparkSession spark, String path, StructType schema, List<String> partitionBy,
                             Map<String, String> properties) {
    DeltaTableBuilder builder = DeltaTable.createIfNotExists(spark).location(path).addColumns(schema)
        .partitionedBy(partitionBy.toArray(String[]::new));
    for (Map.Entry<String, String> p : new TreeMap<>(properties).entrySet()) {
      builder = builder.property(p.getKey(), p.getValue());
    }
    builder.execute();
    COMMITS.incrementAndGet();
  }

  /**
   * Sets the table {@code properties} an existing table lacks (a table written before its layer kept the Change
   * Data Feed, say), in one commit that changes no row; nothing when it has them all. Called before a write, so the
   * write's own commit already records what the properties ask for.
   */
  public static void ensureProperties(SparkSession spark, String path, Map<String, String> properties) {
    if (!properties.isEmpty()) {
      ensureProperties(spark, path, properties, TableMaintenance.detail(spark, path).properties());
    }
  }

  /** As {@link #ensureProperties(SparkSession, String, Map)}, the table's {@code current} properties read already. */
  public static void ensureProperties(SparkSession spark, String path, Map<String, String> properties,
                                      Map<String, String> current) {
    Map<String, String> missing = new TreeMap<>(properties);
    missing.entrySet().removeIf(p -> p.getValue().equals(current.get(p.getKey())));
    if (missing.isEmpty()) {
      return;
    }
    LOG.info("Table {} lacks the properties {}: set before the write", path, missing);
    spark.sql("ALTER TABLE delta.`" + path.replace("`", "``") + "` SET TBLPROPERTIES (" + missing.entrySet().stream()
        .map(p -> "'" + p.getKey() + "' = '" + p.getValue() + "'").collect(Collectors.joining(", ")) + ")");
    COMMITS.incrementAndGet();
  }

  /** Appends in one commit, creating the table from the catalog schema the first time. */
  public static Commit append(Dataset<Row> df, String path, StructType schema, List<String> partitionBy) {
    return append(df, path, schema, partitionBy, Map.of());
  }

  /** As {@link #append(Dataset, String, StructType, List)}, the table keeping the table {@code properties}. */
  public static Commit append(Dataset<Row> df, String path, StructType schema, List<String> partitionBy,
                              Map<String, String> properties) {
    if (!exists(df.sparkSession(), path)) {
      create(df.sparkSession(), path, schema, partitionBy, properties);
    } else {
      ensureProperties(df.sparkSession(), path, properties);
    }
    df.write().format("delta").mode(SaveMode.Append).save(path);
    COMMITS.incrementAndGet();
    return lastCommit(df.sparkSession(), path);
  }

  /**
   * Runs a MERGE in one commit; a table that differs from the catalog is refused with the differences (an
   * incremental table is never recreated implicitly, SPEC §10). The session settings it needs (the commit's user metadata, source
   * materialization) are set for this call only.
   */
  public static Commit merge(SparkSession spark, String path, StructType schema, List<String> partitionBy,
                             MergeSpec spec) {
    return merge(spark, path, schema, partitionBy, spec, TableMaintenance.detail(spark, path));
  }

  /**
   * As {@link #merge(SparkSession, String, StructType, List, MergeSpec)}, for a caller that read the table's detail
   * already.
   */
  public static Commit merge(SparkSession spark, String path, StructType schema, List<String> partitionBy,
                             MergeSpec spec, TableMaintenance.Detail detail) {
    List<String> differences = differences(spark, path, schema, partitionBy, detail);
    if (!differences.isEmpty()) {
      throw partialWriteRefused("merge into " + path, differences);
    }
    Map<String, String> settings = new LinkedHashMap<>();
    spec.userMetadata().ifPresent(m -> settings.put(USER_METADATA_CONF, m));
    if (spec.sourceMaterialized()) {
      settings.put(MATERIALIZE_SOURCE_CONF, "none");
    }
    SessionSettings.during(spark, settings, () -> {
      DeltaMergeBuilder builder = DeltaTable.forPath(spark, path).as("t")
          .merge(spec.source().as("s"), spec.condition());
      spec.clauses().apply(builder).execute();
      return COMMITS.incrementAndGet();
    });
    return lastCommit(spark, path);
  }

  /** The latest commit of a table: its version and operation metrics (rows written, files added...). */
  public record Commit(long version, Map<String, String> metrics) {
    /** The metric's value in this commit; 0 when the operation did not record it. */
    public long metric(DeltaMetric metric) {
      String value = metrics.get(metric.key());
      return value == null ? 0L : Long.parseLong(value);
    }
  }

  public static Commit lastCommit(SparkSession spark, String path) {
    return CommitLog.latest(path, spark.sparkContext().hadoopConfiguration());
  }

  /** The user metadata of the table's commits, newest first (commits without any left out). */
  public static List<String> userMetadata(SparkSession spark, String path) {
    return DeltaTable.forPath(spark, path).history().filter("userMetadata is not null")
        .orderBy(col("version").desc()).select("userMetadata")
        .as(Encoders.STRING()).collectAsList();
  }

  public static long version(SparkSession spark, String path) {
    return CommitLog.latestVersion(path, spark.sparkContext().hadoopConfiguration());
  }

  /**
   * The version of the table's newest commit, read from its log; empty while it has none (not created yet, say,
   * while another process writes it).
   */
  public static OptionalLong newestVersion(SparkSession spark, String path) {
    return CommitLog.newestVersion(path, spark.sparkContext().hadoopConfiguration());
  }
}
