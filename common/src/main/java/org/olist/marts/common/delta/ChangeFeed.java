package org.olist.marts.common.delta;

import static org.apache.spark.sql.functions.lit;

import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.spark.Measured;

/**
 * What changed in a table between two of its versions, read from its Change Data Feed (SPEC §4: the next layer
 * reads exactly what changed). A feed that cannot say it is never read as if it could: a commit gone from the log, a
 * version that replaced the table (which reads back as every row deleted and inserted), files vacuumed or a version
 * written before the feed was on all come back as a {@link Gap} with its reason, and the reader computes whole.
 */
public final class ChangeFeed {
  /** Delta's column saying what a feed row is: one of the {@code *_TYPE} words below. */
  public static final String CHANGE_TYPE = "_change_type";
  public static final String INSERT = "insert";
  public static final String DELETE = "delete";
  public static final String UPDATE_PREIMAGE = "update_preimage";
  public static final String UPDATE_POSTIMAGE = "update_postimage";
  /** The feed columns Delta adds beside {@link #CHANGE_TYPE}. */
  public static final String COMMIT_VERSION = "_commit_version";
  public static final String COMMIT_TIMESTAMP = "_commit_timestamp";

  private ChangeFeed() {
  }

  /** Why a table's feed between two versions cannot say what changed. */
  public static final class Gap extends Exception {
    private static final long serialVersionUID = 1L;

    public Gap(String reason, Throwable cause) {
      super(reason, cause);
    }
  }

  /**
   * The rows that changed in the table at {@code path} after version {@code from} up to {@code to}: the table's
   * columns and {@link #CHANGE_TYPE} (an update gives its pre- and post-image), read once and kept ({@link Measured}:
   * the feed is small, its size known to the planner, which broadcasts it into the joins that filter whole tables by
   * its keys; the caller releases it); empty when {@code from == to}.
   *
   * @throws Gap when the feed cannot say it; its message says why, naming the table and the versions
   */
  public static Dataset<Row> between(SparkSession spark, String path, long from, long to) throws Gap {
    if (to < from) {
      throw new Gap("Cannot read the change feed of " + path + " from version " + from + " to " + to
          + ": the table is older than the version last read (rebuilt since?)", null);
    }
    Optional<String> replaced = CommitLog.replacedBetween(path, from, to,
        spark.sparkContext().hadoopConfiguration());
    if (replaced.isPresent()) {
      throw new Gap("Cannot read the change feed of " + path + " after version " + from + ": " + replaced.get(),
          null);
    }
    if (to == from) {
      return DeltaTables.read(spark, path, to).limit(0).withColumn(CHANGE_TYPE, lit(null).cast(DataTypes.StringType));
    }
    Dataset<Row> feed = null;
    try {
      feed = spark.read().format("delta").option("readChangeFeed", "true").option("startingVersion", from + 1)
          .option("endingVersion", to).load(path).drop(COMMIT_VERSION, COMMIT_TIMESTAMP);
      return Measured.of(feed);
    } catch (Exception e) {
      if (feed != null) {
        Measured.release(feed);
      }
      // Spark's own exceptions (a file vacuumed, a version without the feed) are checked ones, thrown undeclared
      throw new Gap("Cannot read the change feed of " + path + " from version " + (from + 1) + " to " + to + ": "
          + OlistException.rootCause(e), e);
    }
  }
}
