package org.olist.marts.jobs.marts.fact;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.array_union;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

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
import org.olist.marts.jobs.marts.FactOrderItems;
import org.olist.marts.jobs.orderlines.Columns;
import org.olist.marts.jobs.orderlines.MonthPrints;

/**
 * The change detection of SPEC §4 as pure functions: one row per key (latest wins), each key of the batch and
 * of the fact compared once by {@code row_hash}, the append-mode lookback, and the partition-naming MERGE
 * condition.
 */
public final class IncrementalFact {
  /** Where a key lives in the fact now (null for a new key). */
  public static final String CURRENT_MONTH = "_current_" + Columns.ORDER_YEAR_MONTH;
  /** What the comparison found for a key: {@link #NEW}, {@link #CHANGED}, {@link #UNCHANGED} or {@link #MISSING}. */
  public static final String CHANGE = "_change";
  /** Marks a backfill source row whose key is deleted from the fact. */
  public static final String DELETE = "_delete";
  public static final String NEW = "new";
  public static final String CHANGED = "changed";
  public static final String UNCHANGED = "unchanged";
  /** A fact key the snapshot no longer has: a snapshot MERGE deletes it (SPEC §4, the snapshot is the truth). */
  public static final String MISSING = "missing";

  /** The metric of {@link #changeMetrics} listing the partitions a MERGE touches (sorted). */
  public static final String TOUCHED_PARTITIONS = "touched_partitions";

  private static final String RANK = "_rank";
  /** The {@code row_hash} a key has in the fact now (null for a new key). */
  public static final String CURRENT_HASH = "_current_" + Columns.ROW_HASH;

  private IncrementalFact() {
  }

  /**
   * The batch columns the comparison needs: keys, hash, month and the timestamp that decides between duplicates
   * (the natural key too, for the month prints).
   */
  public static Dataset<Row> keys(Dataset<Row> batch) {
    return batch.select(col(FactOrderItems.ORDER_ITEM_SK), col(Columns.ORDER_ID), col(Columns.ORDER_ITEM_ID),
        col(Columns.ROW_HASH), col(Columns.ORDER_YEAR_MONTH), col(Columns.SOURCE_UPDATED_AT));
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
   * {@link #MISSING}. {@link #CURRENT_MONTH} and {@link #CURRENT_HASH} keep where a key lives now and its hash
   * there, so that neither the touched partitions nor the fact's new month prints need a second look at the fact.
   */
  public static Dataset<Row> compare(Dataset<Row> batchKeys, Dataset<Row> fact, boolean wholeSnapshot) {
    Dataset<Row> known = fact.select(col(FactOrderItems.ORDER_ITEM_SK), col(Columns.ROW_HASH).as(CURRENT_HASH),
        col(Columns.ORDER_YEAR_MONTH).as(CURRENT_MONTH));
    Column inBatch = col(Columns.ROW_HASH).isNotNull();
    Column inFact = col(CURRENT_HASH).isNotNull();
    return batchKeys.join(known, Keys.of(FactOrderItems.ORDER_ITEM_SK), wholeSnapshot ? "full_outer" : "left")
        .withColumn(CHANGE, when(inBatch.and(inFact.unary_$bang()), NEW)
            .when(inBatch.unary_$bang(), MISSING)
            .when(col(CURRENT_HASH).equalTo(col(Columns.ROW_HASH)), UNCHANGED)
            .otherwise(CHANGED));
  }

  /**
   * The change that writing {@code changes} (from {@link #compare}, the keys to write) makes to the fact's month
   * prints: each line written is added to its month, and the version it replaces taken from the month where it
   * lives now. Deleted keys are taken away by {@link #printRemoval}: only their fact rows have their natural key.
   */
  public static MonthPrints printChange(Dataset<Row> changes) {
    Dataset<Row> added = MonthPrints.parts(changes.filter(toWrite()), col(Columns.ORDER_YEAR_MONTH),
        col(Columns.ROW_HASH), 1);
    Dataset<Row> replaced = MonthPrints.parts(changes.filter(col(CHANGE).equalTo(CHANGED)), col(CURRENT_MONTH),
        col(CURRENT_HASH), -1);
    return MonthPrints.sumByMonth(added.unionAll(replaced));
  }

  /** The change that deleting {@code deletions} (from {@link #deletions}) makes to the fact's month prints. */
  public static MonthPrints printRemoval(Dataset<Row> deletions) {
    return MonthPrints.sumByMonth(MonthPrints.parts(deletions, col(Columns.ORDER_YEAR_MONTH), col(Columns.ROW_HASH),
        -1));
  }

  /** Keys a MERGE has to write: the new and the changed ones. */
  public static Column toWrite() {
    return col(CHANGE).isin(NEW, CHANGED);
  }

  /** Keys a MERGE touches: those it writes and those it deletes. */
  public static Column toApply() {
    return col(CHANGE).isin(NEW, CHANGED, MISSING);
  }

  /**
   * The MERGE source rows that delete: the fact's rows of the {@link #MISSING} keys among {@code changes}, marked
   * {@link #DELETE}.
   */
  public static Dataset<Row> deletions(Dataset<Row> fact, Dataset<Row> changes) {
    return fact.join(changes.filter(col(CHANGE).equalTo(MISSING)).select(col(FactOrderItems.ORDER_ITEM_SK)),
        Keys.of(FactOrderItems.ORDER_ITEM_SK), "left_semi").withColumn(DELETE, lit(true));
  }

  /**
   * What {@link #compare} found, as aggregates: how many keys are in each class (named after the class) and
   * {@link #TOUCHED_PARTITIONS}, the partitions a MERGE of the keys to write and delete touches: where the rows go,
   * and where their keys live now (a corrected purchase date moves a row to another month; naming only the new month would
   * insert a duplicate key).
   */
  public static Column[] changeMetrics() {
    List<Column> metrics = new ArrayList<>();
    for (String c : List.of(NEW, CHANGED, UNCHANGED, MISSING)) {
      metrics.add(coalesce(sum(when(col(CHANGE).equalTo(c), 1L).otherwise(0L)), lit(0L)).as(c));
    }
    metrics.add(array_sort(array_union(collect_set(when(toWrite(), col(Columns.ORDER_YEAR_MONTH))),
        collect_set(when(toApply(), col(CURRENT_MONTH))))).as(TOUCHED_PARTITIONS));
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

  /**
   * Append mode: the rows of a batch updated at or before the high-water mark minus the lookback, the late ones
   * (none when there is no mark). They are loaded like the others (SPEC §4: never dropped silently), and reported.
   */
  public static Dataset<Row> lateLines(Dataset<Row> rows, Timestamp highWaterMark, int lookbackDays) {
    if (highWaterMark == null) {
      return rows.limit(0);
    }
    Timestamp from = Timestamp.from(highWaterMark.toInstant().minus(Duration.ofDays(lookbackDays)));
    return rows.filter(not(col(Columns.SOURCE_UPDATED_AT).gt(lit(from))));
  }

  /**
   * The MERGE source of a backfill (SPEC §10): the fact rows of the lines whose purchase date is in the window, of
   * the lines already loaded inside the window whose date moved out of it (so they move, not vanish), and a row
   * marked {@link #DELETE} for each loaded key of the window that the lines no longer hold.
   *
   * @param rows fact rows computed from all lines
   * @param fact the fact as loaded
   */
  public static Dataset<Row> backfillSource(Dataset<Row> rows, Dataset<Row> fact, Column inWindow) {
    String key = FactOrderItems.ORDER_ITEM_SK;
    Dataset<Row> loadedInWindow = fact.filter(inWindow);
    Dataset<Row> batch = rows.filter(inWindow)
        .unionByName(rows.filter(not(inWindow)).join(loadedInWindow.select(key), key, "left_semi"));
    Dataset<Row> deletes = loadedInWindow.join(rows.select(key), key, "left_anti");
    return batch.withColumn(DELETE, lit(false)).unionByName(deletes.withColumn(DELETE, lit(true)));
  }

  /** The partitions a backfill MERGE touches: where its source rows go, and where the fact holds their keys now. */
  public static Dataset<Row> backfillPartitions(Dataset<Row> source, Dataset<Row> fact) {
    String key = FactOrderItems.ORDER_ITEM_SK;
    return source.select(Columns.ORDER_YEAR_MONTH)
        .union(fact.join(source.select(key), key, "left_semi").select(Columns.ORDER_YEAR_MONTH))
        .distinct();
  }

  /** The MERGE condition: the key, and the touched partitions named so that others are neither read nor rewritten. */
  public static String mergeCondition(List<String> partitions) {
    String months = partitions.stream().sorted().map(p -> "'" + p.replace("'", "''") + "'")
        .collect(Collectors.joining(", "));
    return "t." + FactOrderItems.ORDER_ITEM_SK + " = s." + FactOrderItems.ORDER_ITEM_SK
        + " AND t." + Columns.ORDER_YEAR_MONTH + " IN (" + months + ")";
  }
}
