package org.olist.marts.common.delta;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.audit.Details;
import org.olist.marts.common.audit.WriteDetail;
import org.olist.marts.common.spark.Keys;

/**
 * Makes a table hold exactly a new set of rows by writing only their difference with it (SPEC §4: a day's run
 * writes what the day changed). The rows are compared with the table's by primary key and every other column
 * ({@link #changes}); one MERGE then inserts the new keys, updates the changed rows and deletes the keys gone. Its
 * source holds only those rows, so the only files Delta rewrites are those holding a changed or deleted key (with an
 * insert clause Delta rewrites every file holding a matched key: here no unchanged key matches), and the table's
 * Change Data Feed says exactly what changed. Nothing differs: nothing is written.
 */
public final class TableSync {
  /** The column of {@link #changes} that says what a row does to the table: one of {@link Change}'s words. */
  public static final String CHANGE = "_change";
  private static final String IN_NEXT = "_in_next";
  private static final String IN_TABLE = "_in_table";
  private static final String PRINT = "_print";

  private TableSync() {
  }

  /** What a row of the new set does to the table. */
  public enum Change {
    INSERT, UPDATE, DELETE, SAME;

    /** The word {@link #CHANGE} holds. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How a table that may be written by its difference was written. */
  public enum Mode {
    /** Its difference merged in one commit. */
    MERGED,
    /** Replaced whole (the reason says why: no table yet, a full refresh, a schema difference, no key). */
    REPLACED,
    /** No row differed: nothing written, the version stays. */
    UNCHANGED;

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A sync's outcome, the details of its audit row.
   *
   * @param rows the rows the table holds after it
   * @param version the table's version after it (the one it had when nothing changed)
   */
  public record Synced(Mode mode, Optional<String> replacedBecause, long inserted, long updated, long deleted,
                       long unchanged, long filesAdded, long filesRemoved, long rows, long version) implements Details {
    /** A table replaced whole by {@code commit} (an overwrite), {@code because} says why. */
    public static Synced replaced(String because, DeltaTables.Commit commit) {
      long rows = commit.metric(DeltaMetric.NUM_OUTPUT_ROWS);
      return new Synced(Mode.REPLACED, Optional.of(because), rows, 0, 0, 0, 0, 0, rows, commit.version());
    }

    /** The rows the write changed: every row of a replacement, the rows merged in or out, none when unchanged. */
    public long rowsWritten() {
      return switch (mode) {
        case REPLACED -> rows;
        case MERGED -> inserted + updated + deleted;
        case UNCHANGED -> 0;
      };
    }

    @Override
    public Map<String, String> asMap() {
      if (mode == Mode.REPLACED) {
        return Details.of(WriteDetail.WRITE, mode.word(), WriteDetail.REPLACED_BECAUSE, replacedBecause.orElse(null));
      }
      return Details.of(WriteDetail.WRITE, mode.word(), WriteDetail.ROWS_INSERTED, inserted,
          WriteDetail.ROWS_UPDATED, updated, WriteDetail.ROWS_DELETED, deleted, WriteDetail.ROWS_UNCHANGED, unchanged,
          WriteDetail.FILES_ADDED, mode == Mode.MERGED ? filesAdded : null,
          WriteDetail.FILES_REMOVED, mode == Mode.MERGED ? filesRemoved : null);
    }
  }

  /**
   * The rows of {@code next} compared with those of {@code table} (same columns) on {@code key}: {@code next}'s
   * columns and {@link #CHANGE}; a key only the table holds comes back once, its other columns null, as
   * {@link Change#DELETE}. Keys are compared with {@code =} (a primary key holds no null), the other columns as one
   * {@link #print} per row, in which a null differs from every value and equals a null.
   */
  public static Dataset<Row> changes(Dataset<Row> next, Dataset<Row> table, List<String> key) {
    return changes(next, table, key, List.of());
  }

  /**
   * As {@link #changes(Dataset, Dataset, List)}, the columns {@code stamps} left out of the comparison (a run stamp:
   * when the row was written); a changed row takes the new stamps, an unchanged one keeps its own. Only the table's
   * keys and prints are joined with the new rows: its other columns are read to print them, never shuffled.
   */
  public static Dataset<Row> changes(Dataset<Row> next, Dataset<Row> table, List<String> key, List<String> stamps) {
    List<String> columns = Arrays.asList(next.columns());
    List<String> compared = columns.stream().filter(c -> !key.contains(c) && !stamps.contains(c)).toList();
    Column print = print(next.schema(), compared);
    Dataset<Row> n = next.withColumn(PRINT, print).withColumn(IN_NEXT, lit(true)).as("n");
    Dataset<Row> t = table.select(Stream.concat(key.stream().map(c -> col(c)), Stream.of(print.as(PRINT)))
        .toArray(Column[]::new)).withColumn(IN_TABLE, lit(true)).as("t");
    Column on = key.stream().map(k -> col("n." + k).equalTo(col("t." + k))).reduce(Column::and).orElseThrow();
    Column change = when(col("t." + IN_TABLE).isNull(), lit(Change.INSERT.word()))
        .when(col("n." + IN_NEXT).isNull(), lit(Change.DELETE.word()))
        .when(col("n." + PRINT).notEqual(col("t." + PRINT)), lit(Change.UPDATE.word()))
        .otherwise(lit(Change.SAME.word()));
    Column[] out = Stream.concat(columns.stream()
            .map(c -> (key.contains(c) ? coalesce(col("n." + c), col("t." + c)) : col("n." + c)).as(c)),
        Stream.of(change.as(CHANGE))).toArray(Column[]::new);
    return n.join(t, on, "full_outer").select(out);
  }

  /**
   * A row's print over {@code columns}: two hashes (64 and 32 bits) of each value and whether it is null, so that
   * a value moved to a neighbouring column or a value that became null changes it. Two different rows of one key
   * print alike with a chance of about 2^-96. A map is printed as its JSON (Spark hashes no map).
   */
  static Column print(StructType schema, List<String> columns) {
    if (columns.isEmpty()) {
      return lit(0L);
    }
    Column[] parts = columns.stream()
        .map(c -> schema.apply(c).dataType() instanceof MapType ? to_json(col(c)) : col(c))
        .flatMap(c -> Stream.of(c, c.isNull())).toArray(Column[]::new);
    return struct(xxhash64(parts).as("h64"), hash(parts).as("h32"));
  }

  /**
   * Writes {@code next} into the table at {@code path} (which exists and matches {@code schema}) by its difference on
   * {@code key}, in one MERGE, or nothing when no row differs. The difference is computed once (a local checkpoint)
   * against the table's version read, and the MERGE's counts must be the difference's: otherwise the table changed
   * meanwhile and the job fails, naming both. Table {@code properties} it lacks are set before the MERGE.
   */
  public static Synced merge(SparkSession spark, String path, StructType schema, List<String> partitionBy,
                             Map<String, String> properties, List<String> key, Dataset<Row> next) {
    return merge(spark, new Target(path, schema, partitionBy, properties, key, List.of()), next, Optional.empty());
  }

  /**
   * The table a sync writes: where it lives, its catalog schema and partitioning, the properties it keeps, its
   * primary key and its run stamps (left out of the comparison).
   */
  public record Target(String path, StructType schema, List<String> partitionBy, Map<String, String> properties,
                       List<String> key, List<String> stamps) {
  }

  /**
   * As {@link #merge(SparkSession, String, StructType, List, Map, List, Dataset)} into {@code target}, for the part of
   * the table whose {@code scope} columns match a row of {@code scope} (when given): {@code next} are that part's
   * rows, and a key of the part that {@code next} lacks is deleted; the rest of the table is neither compared nor
   * written.
   */
  public static Synced merge(SparkSession spark, Target target, Dataset<Row> next, Optional<Dataset<Row>> scope) {
    return merge(spark, target, next, scope, TableMaintenance.detail(spark, target.path()));
  }

  /**
   * As {@link #merge(SparkSession, Target, Dataset, Optional)}, the table's {@code detail} read already (the caller
   * checked it against the catalog): its properties and partitioning are not read again. A scoped table's rows after
   * the MERGE are its rows before it plus those inserted less those deleted, so its new version is never read.
   */
  public static Synced merge(SparkSession spark, Target target, Dataset<Row> next, Optional<Dataset<Row>> scope,
                             TableMaintenance.Detail detail) {
    String path = target.path();
    StructType schema = target.schema();
    List<String> key = target.key();
    long version = DeltaTables.version(spark, path);
    Observation counts = new Observation("sync " + path);
    Dataset<Row> table = DeltaTables.read(spark, path, version);
    if (scope.isPresent()) {
      table = table.join(scope.get(), Keys.of(scope.get().columns()), "left_semi");
    }
    Dataset<Row> diff = changes(next, table, key, target.stamps())
        .observe(counts, count(Change.INSERT), count(Change.UPDATE), count(Change.DELETE), count(Change.SAME))
        .filter(col(CHANGE).notEqual(Change.SAME.word()))
        .localCheckpoint(true);
    Map<String, Object> found = observed(counts);
    long inserts = (Long) found.get(Change.INSERT.word());
    long updates = (Long) found.get(Change.UPDATE.word());
    long deletes = (Long) found.get(Change.DELETE.word());
    long same = (Long) found.get(Change.SAME.word());
    // the rows of the table read: every row compared, or for a part, the whole table counted (from its statistics)
    long rowsBefore = scope.isPresent() ? DeltaTables.read(spark, path, version).count() : same + updates + deletes;
    if (inserts + updates + deletes == 0) {
      return new Synced(Mode.UNCHANGED, Optional.empty(), 0, 0, 0, same, 0, 0, rowsBefore, version);
    }
    DeltaTables.ensureProperties(spark, path, target.properties(), detail.properties());
    Map<String, String> set = new LinkedHashMap<>();
    Arrays.stream(schema.fieldNames()).forEach(c -> set.put(c, "s." + c));
    String on = key.stream().map(k -> "t." + k + " = s." + k).collect(Collectors.joining(" AND "));
    DeltaTables.Commit commit = DeltaTables.merge(spark, path, schema, target.partitionBy(), new MergeSpec(diff, on,
        b -> b.whenMatched("s." + CHANGE + " = '" + Change.DELETE.word() + "'").delete()
            .whenMatched().updateExpr(set)
            .whenNotMatched("s." + CHANGE + " = '" + Change.INSERT.word() + "'").insertExpr(set),
        Optional.empty(), true), detail); // the diff is a local checkpoint: Delta need not materialize the source again
    Synced synced = new Synced(Mode.MERGED, Optional.empty(), commit.metric(DeltaMetric.NUM_TARGET_ROWS_INSERTED),
        commit.metric(DeltaMetric.NUM_TARGET_ROWS_UPDATED), commit.metric(DeltaMetric.NUM_TARGET_ROWS_DELETED), same,
        commit.metric(DeltaMetric.NUM_TARGET_FILES_ADDED), commit.metric(DeltaMetric.NUM_TARGET_FILES_REMOVED),
        rowsBefore + inserts - deletes, commit.version());
    if (synced.inserted() != inserts || synced.updated() != updates || synced.deleted() != deletes) {
      throw new OlistException("Cannot write " + path + " by its difference: comparing the rows with version "
          + version + " found " + inserts + " new, " + updates + " changed and " + deletes + " gone, but the MERGE ("
          + "version " + commit.version() + ") inserted " + synced.inserted() + ", updated " + synced.updated()
          + " and deleted " + synced.deleted() + ": the table changed meanwhile. Rerun the job; --full-refresh "
          + "rebuilds the table.");
    }
    return synced;
  }

  /** The rows of {@link #CHANGE} {@code change}, named after its word. */
  private static Column count(Change change) {
    return coalesce(sum(when(col(CHANGE).equalTo(change.word()), 1L).otherwise(0L)), lit(0L)).as(change.word());
  }

  private static Map<String, Object> observed(Observation observation) {
    try {
      return observation.getAsJava();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Cannot read the " + observation.name() + " counts: interrupted", e);
    }
  }
}
