package org.olist.marts.common.delta;

import io.delta.tables.DeltaOptimizeBuilder;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.io.SideFiles;

/**
 * The maintenance a Delta table needs and that never changes a row: compaction ({@code OPTIMIZE}, whose commit
 * marks every file {@code dataChange=false}), {@code VACUUM} of files no version within the retention needs, and a
 * checkpoint of a long log. Beside the writes of {@link DeltaTables}, so that they too pass the one door
 * ({@code JobContext}) and are counted.
 */
public final class TableMaintenance {
  /** Delta's own floor for VACUUM's retention ({@code delta.deletedFileRetentionDuration} defaults to 7 days). */
  public static final long SAFE_RETENTION_HOURS = 168;
  private static final String RETENTION_CHECK_CONF = "spark.databricks.delta.retentionDurationCheck.enabled";
  private static final String VACUUM_LOGGING_CONF = "spark.databricks.delta.vacuum.logging.enabled";
  private static final String LISTING_PARALLELISM_CONF = "spark.sql.sources.parallelPartitionDiscovery.parallelism";
  private static final String SHUFFLE_PARTITIONS_CONF = "spark.sql.shuffle.partitions";
  /** The compaction predicate that selects every partition. */
  public static final String ALL_PARTITIONS = "true";
  /** Commits read back from the log to find the partitions written since the last compaction. */
  private static final int MAX_COMMITS_READ = 1000;
  private static final String LOCAL_SCHEME = "file";

  private TableMaintenance() {
  }

  /** Files and bytes: those of the table's current version, or all data files on storage. */
  public record Files(long files, long bytes) {
    /** These files after {@code compaction}: its removed files taken away, its added ones counted. */
    public Files compactedBy(DeltaTables.Commit compaction) {
      return new Files(files - compaction.metric(DeltaMetric.NUM_REMOVED_FILES)
          + compaction.metric(DeltaMetric.NUM_ADDED_FILES), bytes - compaction.metric(DeltaMetric.NUM_REMOVED_BYTES)
          + compaction.metric(DeltaMetric.NUM_ADDED_BYTES));
    }

    /** These files on storage after {@code compaction}, which adds files and deletes none until VACUUM. */
    public Files storedAfter(DeltaTables.Commit compaction) {
      return new Files(files + compaction.metric(DeltaMetric.NUM_ADDED_FILES),
          bytes + compaction.metric(DeltaMetric.NUM_ADDED_BYTES));
    }
  }

  /**
   * Every Delta table under the warehouse root, sorted: {@code <layer>/<table>} and one level deeper
   * ({@code audit/test_failures/<test>}).
   */
  public static List<String> tablesUnder(Configuration conf, String root) {
    List<String> out = new ArrayList<>();
    try {
      Path base = new Path(root);
      FileSystem fs = base.getFileSystem(conf);
      if (fs.exists(base)) {
        collect(fs, base, root, 3, out);
      }
    } catch (IOException e) {
      throw new OlistException("Cannot list the tables of warehouse " + root + ": " + e.getMessage(), e);
    }
    out.sort(null);
    return out;
  }

  private static void collect(FileSystem fs, Path dir, String named, int depth, List<String> out)
      throws IOException {
    for (FileStatus child : fs.listStatus(dir)) {
      String name = child.getPath().getName();
      if (!child.isDirectory() || SideFiles.hidden(name)) {
        continue;
      }
      if (fs.exists(new Path(child.getPath(), "_delta_log"))) {
        out.add(named + "/" + name);
      } else if (depth > 1) {
        collect(fs, child.getPath(), named + "/" + name, depth - 1, out);
      }
    }
  }

  /** The files of the table's current version, its partition columns and its table properties, from one detail. */
  public record Detail(Files files, List<String> partitionColumns, Map<String, String> properties) {
  }

  public static Detail detail(SparkSession spark, String path) {
    Row detail = DeltaTable.forPath(spark, path).detail().first();
    return new Detail(new Files(detail.<Long>getAs("numFiles"), detail.<Long>getAs("sizeInBytes")),
        detail.getList(detail.fieldIndex("partitionColumns")),
        Map.copyOf(detail.<String, String>getJavaMap(detail.fieldIndex("properties"))));
  }

  /** The files the table's current version references. */
  public static Files current(SparkSession spark, String path) {
    return detail(spark, path).files();
  }

  /**
   * Every data file under the table's directory, referenced or not (what VACUUM may remove and what the disk
   * holds): files in directories whose name starts with {@code _} or {@code .} (the log, side files) are not data.
   */
  public static Files onStorage(Configuration conf, String path) {
    try {
      boolean local = LOCAL_SCHEME.equals(new Path(path).getFileSystem(conf).getScheme());
      long files = 0;
      long bytes = 0;
      for (FileStatus f : dataFiles(conf, path, local)) {
        files++;
        bytes += f.getLen();
      }
      return new Files(files, bytes);
    } catch (IOException e) {
      throw new OlistException("Cannot list the files of Delta table " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * The data files under the table's directory: by a walk of plain listings ({@code walk}, for the local file
   * system) or by one recursive listing (a few requests on a store such as S3, not one per directory). The located
   * status a recursive listing returns carries permissions, for which Hadoop's local file system (without its
   * native library) runs {@code ls -ld} once per file: about 10 s for the ~1,000 files of the sample's warehouse.
   */
  static List<FileStatus> dataFiles(Configuration conf, String path, boolean walk) throws IOException {
    Path root = new Path(path);
    FileSystem fs = root.getFileSystem(conf);
    List<FileStatus> out = new ArrayList<>();
    if (walk) {
      walk(fs, root, out);
      return out;
    }
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      LocatedFileStatus f = it.next();
      if (isData(root, f.getPath())) {
        out.add(f);
      }
    }
    return out;
  }

  private static void walk(FileSystem fs, Path dir, List<FileStatus> out) throws IOException {
    for (FileStatus f : fs.listStatus(dir)) {
      if (SideFiles.hidden(f.getPath().getName())) {
        continue;
      }
      if (f.isDirectory()) {
        walk(fs, f.getPath(), out);
      } else {
        out.add(f);
      }
    }
  }

  private static boolean isData(Path root, Path file) {
    String relative = file.toUri().getPath().substring(root.toUri().getPath().length());
    for (String part : relative.split("/")) {
      if (SideFiles.hidden(part)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The partitions written since the table's last compaction (all of them, when the log no longer tells): a
   * predicate over the partition columns for {@link #compact}; empty when no partition was written.
   */
  public static Optional<String> partitionsWrittenSinceCompaction(Configuration conf, String path) {
    Optional<Set<Map<String, String>>> written =
        CommitLog.partitionsWrittenSinceCompaction(path, conf, MAX_COMMITS_READ);
    if (written.isEmpty()) {
      return Optional.of(ALL_PARTITIONS);
    }
    if (written.get().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(written.get().stream().map(TableMaintenance::predicate).sorted()
        .collect(Collectors.joining(" OR ")));
  }

  private static String predicate(Map<String, String> partition) {
    if (partition.isEmpty()) {
      return ALL_PARTITIONS;
    }
    List<String> terms = new ArrayList<>();
    partition.forEach((column, value) -> terms.add(value == null ? "`" + column + "` IS NULL"
        : "CAST(`" + column + "` AS STRING) = '" + value.replace("'", "''") + "'"));
    return "(" + String.join(" AND ", terms) + ")";
  }

  /**
   * Bin-packs the small files of the table (of the partitions {@code where} selects, when given) in one commit;
   * empty when there was nothing to compact (Delta then commits nothing).
   */
  public static Optional<DeltaTables.Commit> compact(SparkSession spark, String path, Optional<String> where) {
    long before = DeltaTables.version(spark, path);
    DeltaOptimizeBuilder optimize = DeltaTable.forPath(spark, path).optimize();
    where.filter(w -> !w.equals(ALL_PARTITIONS)).ifPresent(optimize::where);
    optimize.executeCompaction();
    DeltaTables.Commit commit = DeltaTables.lastCommit(spark, path);
    if (commit.version() == before) {
      return Optional.empty();
    }
    DeltaTables.counted();
    return Optional.of(commit);
  }

  /**
   * Deletes the data files that no version of the last {@code retentionHours} references. A retention below
   * {@link #SAFE_RETENTION_HOURS} is refused unless {@code allowShortRetention}: a reader of an older version
   * (a query running during it, a job pinned to the version its upstream published) could lose its files.
   */
  public static void vacuum(SparkSession spark, String path, long retentionHours, boolean allowShortRetention) {
    checkRetention(retentionHours, allowShortRetention, path);
    // Delta's own check stays on for a safe retention; its VACUUM START/END log entries are left out (the maintain
    // job audits each vacuum, and a commit in the log would read as a new version of the table); the listing runs
    // as many tasks as the session's shuffles (Spark's default of 10,000 tasks took 18 s per small table)
    SessionSettings.during(spark, Map.of(
        RETENTION_CHECK_CONF, Boolean.toString(retentionHours >= SAFE_RETENTION_HOURS),
        VACUUM_LOGGING_CONF, "false",
        LISTING_PARALLELISM_CONF, spark.conf().get(SHUFFLE_PARTITIONS_CONF)),
        () -> DeltaTable.forPath(spark, path).vacuum(retentionHours));
  }

  /** Refuses a negative retention, and one below {@link #SAFE_RETENTION_HOURS} unless allowed. */
  public static void checkRetention(long retentionHours, boolean allowShortRetention, String where) {
    if (retentionHours < 0) {
      throw new OlistException("Cannot vacuum " + where + ": a retention of " + retentionHours + " h is negative");
    }
    if (retentionHours < SAFE_RETENTION_HOURS && !allowShortRetention) {
      throw new OlistException("Cannot vacuum " + where + " with a retention of " + retentionHours + " h: below "
          + "Delta's safety threshold of " + SAFE_RETENTION_HOURS + " h, a query or a job still reading an older "
          + "version could lose its files. Set olist.maintenance.allow-short-retention = true to do it anyway.");
    }
  }

  /** Commits since the table's last checkpoint (all of them when it has none). */
  public static long commitsSinceCheckpoint(SparkSession spark, String path) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    long latest = CommitLog.latestVersion(path, conf);
    return latest - CommitLog.lastCheckpoint(path, conf).orElse(-1L);
  }

  /**
   * Writes a checkpoint of the table's current version, so that a reader replays one Parquet file instead of the
   * JSON commits since the last one. Delta has no public API for it: {@code DeltaLog.checkpoint} is the one
   * internal call of this project, kept here.
   */
  public static void checkpoint(SparkSession spark, String path) {
    DeltaLog.forTable(spark, path).checkpoint();
  }
}
