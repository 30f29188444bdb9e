package org.olist.marts.common.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * A result held in Spark's cache and counted, so that the planner knows its real size. A local checkpoint keeps rows
 * too, but the planner cannot tell its size: a join with it is planned as a shuffle of both sides, and adaptive
 * execution turns that into a broadcast only after the large side was shuffled. A day's changed keys filter whole
 * tables: measured, they are broadcast and the tables are read once, not shuffled (at SF 10, a million lines for ten
 * thousand changed ones). A large result is measured just as well, and then joined as Spark sees fit. Whoever
 * measures a result releases it once done ({@link #release}).
 */
public final class Measured {
  private Measured() {
  }

  /**
   * {@code rows}, computed once now and kept (memory, then disk), their real size known to the planner; as they are
   * when the same result is kept already (two tables of one job start from the same changed keys).
   */
  public static Dataset<Row> of(Dataset<Row> rows) {
    if (!rows.storageLevel().equals(StorageLevel.NONE())) {
      return rows;
    }
    Dataset<Row> kept = rows.persist(StorageLevel.MEMORY_AND_DISK());
    kept.count();
    return kept;
  }

  /** Drops what {@link #of} kept; a result not kept is left as it is. */
  public static void release(Dataset<Row> rows) {
    rows.unpersist(false);
  }
}
