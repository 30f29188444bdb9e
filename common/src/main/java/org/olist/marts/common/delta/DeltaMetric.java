package org.olist.marts.common.delta;

/**
 * The operation metrics Delta records in a commit (its {@code commitInfo.operationMetrics}) that the jobs read:
 * named once here, read with {@link DeltaTables.Commit#metric(DeltaMetric)}.
 */
public enum DeltaMetric {
  /** Rows written by a WRITE (overwrite, append). */
  NUM_OUTPUT_ROWS("numOutputRows"),
  NUM_TARGET_ROWS_INSERTED("numTargetRowsInserted"),
  NUM_TARGET_ROWS_UPDATED("numTargetRowsUpdated"),
  NUM_TARGET_ROWS_DELETED("numTargetRowsDeleted"),
  NUM_TARGET_FILES_ADDED("numTargetFilesAdded"),
  NUM_TARGET_FILES_REMOVED("numTargetFilesRemoved"),
  /** Files and bytes an OPTIMIZE added and removed. */
  NUM_ADDED_FILES("numAddedFiles"),
  NUM_REMOVED_FILES("numRemovedFiles"),
  NUM_ADDED_BYTES("numAddedBytes"),
  NUM_REMOVED_BYTES("numRemovedBytes");

  private final String key;

  DeltaMetric(String key) {
    this.key = key;
  }

  /** The metric's name in the commit file. */
  public String key() {
    return key;
  }
}
