package org.olist.marts.jobs.marts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.olist.marts.common.spark.Keys;
import org.olist.marts.jobs.intermediate.Columns;

/**
 * The change detection of SPEC §4 as pure functions: which candidate fact rows are new or changed, one row
 * per key (latest wins), the append-mode window, and the partition-naming MERGE condition.
 */
public final class IncrementalFact {
  private static final String RANK = "_rank";

  private IncrementalFact() {
  }

  /** Where a changed row's key lives in the fact now (null for a new key); dropped before the MERGE. */
  public static final String CURRENT_MONTH = "_current_" + Columns.ORDER_YEAR_MONTH;
  private static final String KNOWN_HASH = "_known_" + Columns.ROW_HASH;

  /**
   * Candidate rows whose ({@code order_item_sk}, {@code row_hash}) pair is not in the fact: new keys and
   * changed rows, including a status change that set no new timestamp. Reads only three fact columns, and
   * keeps the month where each changed key lives now ({@link #CURRENT_MONTH}) so that the touched partitions
   * need no second look at the fact.
   */
  public static Dataset<Row> changedRows(Dataset<Row> candidates, Dataset<Row> fact) {
    Dataset<Row> known = fact.select(col(FactOrderItems.ORDER_ITEM_SK), col(Columns.ROW_HASH).as(KNOWN_HASH),
        col(Columns.ORDER_YEAR_MONTH).as(CURRENT_MONTH));
    return candidates.join(known, Keys.of(FactOrderItems.ORDER_ITEM_SK), "left")
        .filter(col(KNOWN_HASH).isNull().or(col(KNOWN_HASH).notEqual(col(Columns.ROW_HASH))))
        .drop(KNOWN_HASH);
  }

  /** One row per key so that a MERGE never sees duplicate keys: latest source_updated_at wins (then row_hash). */
  public static Dataset<Row> latestPerKey(Dataset<Row> rows) {
    return rows.withColumn(RANK, row_number().over(Window.partitionBy(col(FactOrderItems.ORDER_ITEM_SK))
            .orderBy(col(Columns.SOURCE_UPDATED_AT).desc_nulls_last(), col(Columns.ROW_HASH).desc())))
        .filter(col(RANK).equalTo(1)).drop(RANK);
  }

  /** Append mode: rows updated after the high-water mark minus the lookback (all rows when there is no mark). */
  public static Dataset<Row> appendWindow(Dataset<Row> rows, Timestamp highWaterMark, int lookbackDays) {
    if (highWaterMark == null) {
      return rows;
    }
    Timestamp from = Timestamp.from(highWaterMark.toInstant().minus(Duration.ofDays(lookbackDays)));
    return rows.filter(col(Columns.SOURCE_UPDATED_AT).gt(lit(from)));
  }

  /**
   * Partitions a MERGE of {@code changed} (rows from {@link #changedRows}) touches: where the rows go, and where
   * their keys live now (a corrected purchase date moves a row to another month; naming only the new month
   * would insert a duplicate key).
   */
  public static Dataset<Row> touchedPartitions(Dataset<Row> changed) {
    return changed.select(col(Columns.ORDER_YEAR_MONTH))
        .union(changed.select(col(CURRENT_MONTH)).filter(col(CURRENT_MONTH).isNotNull()))
        .distinct();
  }

  /** Fact keys that the snapshot no longer has (reported, not deleted; a full refresh removes them). */
  public static Dataset<Row> missingFromSnapshot(Dataset<Row> fact, Dataset<Row> candidates) {
    return fact.select(col(FactOrderItems.ORDER_ITEM_SK))
        .join(candidates.select(col(FactOrderItems.ORDER_ITEM_SK)), Keys.of(FactOrderItems.ORDER_ITEM_SK),
            "left_anti");
  }

  /** The MERGE condition: the key, and the touched partitions named so that others are neither read nor rewritten. */
  public static String mergeCondition(List<String> partitions) {
    String months = partitions.stream().sorted().map(p -> "'" + p.replace("'", "''") + "'")
        .collect(Collectors.joining(", "));
    return "t." + FactOrderItems.ORDER_ITEM_SK + " = s." + FactOrderItems.ORDER_ITEM_SK
        + " AND t." + Columns.ORDER_YEAR_MONTH + " IN (" + months + ")";
  }
}
