package org.olist.marts.common.audit;

/** The details the write door adds to every audit row of a job, whatever it wrote. */
public enum RunDetail implements DetailKey {
  /** Which attempt of the job wrote the row ({@link PublishedVersions}: the versions a finished attempt published). */
  ATTEMPT("job_attempt"),
  /** When the job started. */
  JOB_STARTED_AT("job_started_at"),
  /** Why a table was deliberately not written (a skip row). */
  REASON("reason"),
  /** The class of the error a failed job ended with (a failure row). */
  ERROR_CLASS("error_class"),
  /** What the table's version was built from ({@link org.olist.marts.common.job.Inputs}). */
  INPUTS("inputs"),
  /** Why a table with recorded inputs was built instead of kept (a first run, changed inputs, ...). */
  BUILT_BECAUSE("built_because"),
  /** The run that wrote the version a row publishes again because its inputs did not change. */
  UNCHANGED_SINCE("unchanged_since"),
  /** What a built table was computed from: {@code changes} (its inputs' change feeds) or {@code whole}. */
  COMPUTED_FROM("computed_from"),
  /** Why a table was computed from all its inputs' rows rather than from their changes. */
  COMPUTED_WHOLE_BECAUSE("computed_whole_because");

  private final String key;

  RunDetail(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }
}
