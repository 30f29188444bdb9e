package org.olist.marts.common.job;

import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.olist.marts.common.audit.Details;
import org.olist.marts.common.audit.RunDetail;

/**
 * What changed in a table's inputs since its published version was built, from their change feeds
 * ({@link JobContext#changesSince}), so the job recomputes only the keys those changes touch (issue 33); or why the
 * table is computed whole, which its audit row says.
 */
public final class InputChanges implements Details {
  /** {@link RunDetail#COMPUTED_FROM}'s words. */
  public static final String CHANGES = "changes";
  public static final String WHOLE = "whole";

  private final Map<String, Dataset<Row>> feeds;
  private final Optional<String> wholeBecause;

  private InputChanges(Map<String, Dataset<Row>> feeds, Optional<String> wholeBecause) {
    this.feeds = feeds;
    this.wholeBecause = wholeBecause;
  }

  static InputChanges of(Map<String, Dataset<Row>> feeds) {
    return new InputChanges(Map.copyOf(feeds), Optional.empty());
  }

  static InputChanges whole(String because) {
    return new InputChanges(Map.of(), Optional.of(because));
  }

  /** Whether the table is computed from all its inputs' rows ({@link #wholeBecause} says why). */
  public boolean whole() {
    return wholeBecause.isPresent();
  }

  public Optional<String> wholeBecause() {
    return wholeBecause;
  }

  /** The change rows of the input (its columns and {@code ChangeFeed.CHANGE_TYPE}); none when it did not change. */
  public Dataset<Row> of(String table) {
    Dataset<Row> feed = feeds.get(table);
    if (feed == null) {
      throw new IllegalArgumentException("Cannot read the changes of " + table + ": "
          + (whole() ? "the table is computed whole (" + wholeBecause.get() + ")" : "it is not an input"));
    }
    return feed;
  }

  @Override
  public Map<String, String> asMap() {
    return Details.of(RunDetail.COMPUTED_FROM, whole() ? WHOLE : CHANGES, RunDetail.COMPUTED_WHOLE_BECAUSE,
        wholeBecause.orElse(null));
  }
}
