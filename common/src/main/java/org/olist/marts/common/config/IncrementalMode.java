package org.olist.marts.common.config;

import java.util.Locale;

/** What each run's input holds for the incremental fact (SPEC §4), {@code olist.incremental.mode}. */
public enum IncrementalMode {
  /** A full snapshot: compared with the fact month by month, then key by key. */
  SNAPSHOT,
  /** Only new and changed rows: taken after the high-water mark minus the lookback. */
  APPEND;

  /** The value as written in the configuration. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }
}
