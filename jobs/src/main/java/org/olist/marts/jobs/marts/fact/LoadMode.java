package org.olist.marts.jobs.marts.fact;

/** How a run loads the fact (SPEC §4), as recorded in the audit row's {@code mode}. */
public enum LoadMode {
  INITIAL_LOAD("initial_load"),
  FULL_REFRESH("full_refresh"),
  BACKFILL("backfill"),
  MERGE_SNAPSHOT("merge_snapshot"),
  MERGE_APPEND("merge_append");

  private final String audit;

  LoadMode(String audit) {
    this.audit = audit;
  }

  public String audit() {
    return audit;
  }
}
