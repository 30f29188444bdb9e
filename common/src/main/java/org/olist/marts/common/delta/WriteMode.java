package org.olist.marts.common.delta;

/** How a {@link WriteRequest} changes its table, in one commit each. */
public enum WriteMode {
  /** Every row replaced (schema too, when it differs from the catalog). */
  OVERWRITE,
  /** The rows a predicate selects replaced (Delta's {@code replaceWhere}); refused on a table that differs. */
  REPLACE_WHERE,
  /**
   * The table made to hold exactly the rows, by writing their difference with it on its primary key ({@link
   * TableSync}); replaced whole where that cannot be (no table yet, a full refresh, a schema difference, no key).
   */
  SYNC,
  /** Rows added. */
  APPEND,
  /** The table left (or created) empty: the caller knows it has no rows for it. */
  EMPTY
}
