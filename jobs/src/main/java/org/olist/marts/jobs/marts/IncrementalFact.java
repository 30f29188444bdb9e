package org.olist.marts.jobs.marts;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.array_union;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.olist.marts.common.spark.Keys;
import org.olist.marts.jobs.intermediate.Columns;

/**
 * The change detection of SPEC §4 as pure functions: one row per key (latest wins), each key of the batch and
 * of the fact compared once by {@code row_hash}, the append-mode window, and the partition-naming MERGE
 * condition.
 */
public final class IncrementalFact {
  /** Where a key lives in the fact now (null for a new key). */
  public static final String CURRENT_MONTH = "_current_" + Columns.ORDER_YEAR_MONTH;
  /** What the comparison found for a key: {@link #NEW}, {@link #CHANGED}, {@link #UNCHANGED} or {@link #MISSING}. */
  public static final String CHANGE = "_change";
  public static final String NEW = "new";
  public static final String CHANGED = "changed";
  public static final String UNCHANGED = "unchanged";
  /** A fact key the snapshot no longer has (reported, not deleted; a full refresh removes it). */
  public static final String MISSING = "missing";

  /** Columns of {@link #compareMonths}. */
  public static final String BATCH_ROWS = "batch_rows";
  public static final String DIFFERS = "differs";
  /** The metric of {@link #changeMetrics} listing the partitions a MERGE touches (sorted). */
  public static final String TOUCHED_PARTITIONS = "touched_partitions";

  private static final String PRINT_ROWS = "_rows";
  private static final String PRINT_LOW = "_hash_low";
  private static final String PRINT_HIGH = "_hash_high";
  private static final String RANK = "_rank";
  private static final String KNOWN_HASH = "_known_" + Columns.ROW_HASH;

  private IncrementalFact() {
  }

  /** The batch columns the comparison needs: key, hash, month and the timestamp that decides between duplicates. */
  public static Dataset<Row> keys(Dataset<Row> batch) {
    return batch.select(col(FactOrderItems.ORDER_ITEM_SK), col(Columns.ROW_HASH), col(Columns.ORDER_YEAR_MONTH),
        col(Columns.SOURCE_UPDATED_AT));
  }

  /** One row per key so that a MERGE never sees duplicate keys: latest source_updated_at wins (then row_hash). */
  public static Dataset<Row> latestPerKey(Dataset<Row> rows) {
    return rows.withColumn(RANK, row_number().over(Window.partitionBy(col(FactOrderItems.ORDER_ITEM_SK))
            .orderBy(col(Columns.SOURCE_UPDATED_AT).desc_nulls_last(), col(Columns.ROW_HASH).desc())))
        .filter(col(RANK).equalTo(1)).drop(RANK);
  }

  /**
   * Compares each batch key (one row per key, from {@link #latestPerKey}) with the fact in one join reading three
   * fact columns: {@link #CHANGE} says whether the key is new, changed (also a status change that set no new
   * timestamp) or unchanged; with {@code wholeSnapshot} the fact keys the batch lacks come back as
   * {@link #MISSING}. {@link #CURRENT_MONTH} keeps the month where a key lives now, so that the touched
   * partitions need no second look at the fact.
   */
  public static Dataset<Row> compare(Dataset<Row> batchKeys, Dataset<Row> fact, boolean wholeSnapshot) {
    Dataset<Row> known = fact.select(col(FactOrderItems.ORDER_ITEM_SK), col(Columns.ROW_HASH).as(KNOWN_HASH),
        col(Columns.ORDER_YEAR_MONTH).as(CURRENT_MONTH));
    Column inBatch = col(Columns.ROW_HASH).isNotNull();
    Column inFact = col(KNOWN_HASH).isNotNull();
    return batchKeys.join(known, Keys.of(FactOrderItems.ORDER_ITEM_SK), wholeSnapshot ? "full_outer" : "left")
        .withColumn(CHANGE, when(inBatch.and(inFact.unary_$bang()), NEW)
            .when(inBatch.unary_$bang(), MISSING)
            .when(col(KNOWN_HASH).equalTo(col(Columns.ROW_HASH)), UNCHANGED)
            .otherwise(CHANGED))
        .drop(KNOWN_HASH);
  }

  /**
   * A fingerprint of each month of {@code rows} (key and {@code row_hash} columns): its row count and the sum of
   * a 64-bit hash of (key, row_hash), summed as two 32-bit halves so that no sum can overflow. Two months with
   * the same fingerprint hold the same (key, row_hash) pairs up to a 64-bit hash collision (the odds
   * {@code row_hash} itself already accepts), so only months whose fingerprints differ are compared key by key.
   */
  public static Dataset<Row> monthPrints(Dataset<Row> rows) {
    Column h = xxhash64(col(FactOrderItems.ORDER_ITEM_SK), col(Columns.ROW_HASH));
    return rows.groupBy(col(Columns.ORDER_YEAR_MONTH)).agg(count(lit(1)).as(PRINT_ROWS),
        sum(h.bitwiseAND(lit(0xFFFFFFFFL))).as(PRINT_LOW), sum(shiftrightunsigned(h, 32)).as(PRINT_HIGH));
  }

  /**
   * The months of the batch and of the fact side by side ({@link #monthPrints} of each): the month, the batch's
   * rows in it ({@link #BATCH_ROWS}, 0 when none) and whether the two fingerprints differ ({@link #DIFFERS}).
   */
  public static Dataset<Row> compareMonths(Dataset<Row> batchPrints, Dataset<Row> factPrints) {
    Dataset<Row> fact = factPrints.select(col(Columns.ORDER_YEAR_MONTH), col(PRINT_ROWS).as("_f" + PRINT_ROWS),
        col(PRINT_LOW).as("_f" + PRINT_LOW), col(PRINT_HIGH).as("_f" + PRINT_HIGH));
    Column same = col(PRINT_ROWS).eqNullSafe(col("_f" + PRINT_ROWS))
        .and(col(PRINT_LOW).eqNullSafe(col("_f" + PRINT_LOW)))
        .and(col(PRINT_HIGH).eqNullSafe(col("_f" + PRINT_HIGH)));
    return batchPrints.join(fact, Keys.of(Columns.ORDER_YEAR_MONTH), "full_outer")
        .select(col(Columns.ORDER_YEAR_MONTH), coalesce(col(PRINT_ROWS), lit(0L)).as(BATCH_ROWS),
            same.unary_$bang().as(DIFFERS));
  }

  /** Keys a MERGE has to write: the new and the changed ones. */
  public static Column toWrite() {
    return col(CHANGE).isin(NEW, CHANGED);
  }

  /**
   * What {@link #compare} found, as aggregates: how many keys are in each class (named after the class) and
   * {@link #TOUCHED_PARTITIONS}, the partitions a MERGE of the keys to write touches: where the rows go, and where
   * their keys live now (a corrected purchase date moves a row to another month; naming only the new month would
   * insert a duplicate key).
   */
  public static Column[] changeMetrics() {
    List<Column> metrics = new ArrayList<>();
    for (String c : List.of(NEW, CHANGED, UNCHANGED, MISSING)) {
      metrics.add(coalesce(sum(when(col(CHANGE).equalTo(c), 1L).otherwise(0L)), lit(0L)).as(c));
    }
    metrics.add(array_sort(array_union(collect_set(when(toWrite(), col(Columns.ORDER_YEAR_MONTH))),
        collect_set(when(toWrite(), col(CURRENT_MONTH))))).as(TOUCHED_PARTITIONS));
    return metrics.toArray(Column[]::new);
  }

  /** Observes {@link #changeMetrics} while {@code compared} is computed (read once an action has run it). */
  public static Dataset<Row> observeChanges(Dataset<Row> compared, Observation observation) {
    Column[] metrics = changeMetrics();
    return compared.observe(observation, metrics[0], Arrays.copyOfRange(metrics, 1, metrics.length));
  }

  /** How many rows a frame has, as an aggregate (for an observation of the batch before de-duplication). */
  public static Column rowCount(String name) {
    return count(lit(1)).as(name);
  }

  /** The batch lines behind the keys to write, one per key, as {@link #latestPerKey} chose them. */
  public static Dataset<Row> linesToWrite(Dataset<Row> batch, Dataset<Row> keysToWrite) {
    return latestPerKey(batch.join(keysToWrite.select(col(FactOrderItems.ORDER_ITEM_SK)),
        Keys.of(FactOrderItems.ORDER_ITEM_SK), "left_semi"));
  }

  /** Append mode: rows updated after the high-water mark minus the lookback (all rows when there is no mark). */
  public static Dataset<Row> appendWindow(Dataset<Row> rows, Timestamp highWaterMark, int lookbackDays) {
    if (highWaterMark == null) {
      return rows;
    }
    Timestamp from = Timestamp.from(highWaterMark.toInstant().minus(Duration.ofDays(lookbackDays)));
    return rows.filter(col(Columns.SOURCE_UPDATED_AT).gt(lit(from)));
  }

  /** The MERGE condition: the key, and the touched partitions named so that others are neither read nor rewritten. */
  public static String mergeCondition(List<String> partitions) {
    String months = partitions.stream().sorted().map(p -> "'" + p.replace("'", "''") + "'")
        .collect(Collectors.joining(", "));
    return "t." + FactOrderItems.ORDER_ITEM_SK + " = s." + FactOrderItems.ORDER_ITEM_SK
        + " AND t." + Columns.ORDER_YEAR_MONTH + " IN (" + months + ")";
  }
}
