package org.olist.marts.jobs.status;

import java.util.Locale;

/** One SLO target a run misses, and how, in words (what meta_project_status and the summary line show). */
public record SloBreach(Objective objective, String words) {
  /** The objectives of {@code olist.slo}. */
  public enum Objective {
    ENGINEERING_CLOCK, JOB_SUCCESS_RATE, DATA_ACCURACY;

    /** The label value of {@code olist_marts_slo_breached}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @Override
  public String toString() {
    return words;
  }
}
