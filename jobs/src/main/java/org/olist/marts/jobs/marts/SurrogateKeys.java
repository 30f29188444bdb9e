package org.olist.marts.jobs.marts;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.olist.marts.jobs.warehouse.MartColumns;

/**
 * Deterministic BIGINT surrogate keys (SPEC §3): xxhash64 of the natural key, so a key is the same in every
 * run and after every full refresh. {@link #UNKNOWN} is the key of each dimension's unknown member.
 */
public final class SurrogateKeys {
  public static final long UNKNOWN = MartColumns.UNKNOWN_KEY;

  private SurrogateKeys() {
  }

  public static Column of(String... naturalKey) {
    return xxhash64(Arrays.stream(naturalKey).map(c -> col(c)).toArray(Column[]::new));
  }

  /** The foreign key found by a left join to a dimension, or the unknown member when there is none. */
  public static Column orUnknown(Column joinedKey) {
    return coalesce(joinedKey, lit(UNKNOWN));
  }
}
