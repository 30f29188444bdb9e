package org.olist.marts.jobs.warehouse;

/**
 * How a run loads the fact (SPEC §4), as recorded in the audit row's {@link AuditDetail#MODE}: written by the fact
 * loader, read by the status job's SLIs, so it lives below both. An append-mode dimension's upsert is
 * {@link #UPSERT}.
 */
public enum LoadMode {
  INITIAL_LOAD("initial_load"),
  FULL_REFRESH("full_refresh"),
  BACKFILL("backfill"),
  MERGE_SNAPSHOT("merge_snapshot"),
  MERGE_APPEND("merge_append"),
  /** An append-mode batch upserted into a dimension. */
  UPSERT("upsert");

  private final String audit;

  LoadMode(String audit) {
    this.audit = audit;
  }

  public String audit() {
    return audit;
  }
}
