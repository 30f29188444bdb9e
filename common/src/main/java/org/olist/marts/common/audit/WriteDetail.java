package org.olist.marts.common.audit;

/**
 * What a write that changes part of a table did, in the same words whoever wrote it (the fact's MERGE, a staged
 * table written by its difference, a compaction): readers look them up here.
 */
public enum WriteDetail implements DetailKey {
  /** How a table that may be written by its difference was written: {@code TableSync.Mode}'s word. */
  WRITE("write"),
  /** Why such a table was replaced whole instead (no table yet, a full refresh, a schema difference, no key). */
  REPLACED_BECAUSE("replaced_because"),
  ROWS_INSERTED("rows_inserted"),
  ROWS_UPDATED("rows_updated"),
  ROWS_DELETED("rows_deleted"),
  ROWS_UNCHANGED("rows_unchanged"),
  FILES_ADDED("files_added"),
  FILES_REMOVED("files_removed");

  private final String key;

  WriteDetail(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }
}
