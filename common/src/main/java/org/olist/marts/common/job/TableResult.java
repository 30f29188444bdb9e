package org.olist.marts.common.job;

/**
 * One table a job published: its rows, Delta version and write time; {@code unchanged} when its inputs were those
 * of its published version, which is published again without a commit.
 */
public record TableResult(String table, long rows, long deltaVersion, long millis, boolean unchanged) {
  /** The rows this run wrote to the table: none when it published an unchanged version again. */
  public long rowsWritten() {
    return unchanged ? 0 : rows;
  }
}
