package org.olist.marts.common.delta;

/** How a {@link WriteRequest} changes its table, in one commit each. */
public enum WriteMode {
  /** Every row replaced (schema too, when it differs from the catalog). */
  OVERWRITE,
  /** The rows a predicate selects replaced (Delta's {@code replaceWhere}); refused on a table that differs. */
  REPLACE_WHERE,
  /** Rows added. */
  APPEND,
  /** The table left (or created) empty: the caller knows it has no rows for it. */
  EMPTY
}
