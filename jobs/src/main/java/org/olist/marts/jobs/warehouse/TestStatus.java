package org.olist.marts.jobs.warehouse;

/** The outcome of one data test, as stored in {@code audit/test_results} and {@code run_results.json}. */
public enum TestStatus {
  PASS("pass"),
  /** An error-severity test found failing rows: the run fails. */
  FAIL("fail"),
  /** A warn-severity test found failing rows: reported only. */
  WARN("warn"),
  /** A table the test needs is not built yet. */
  SKIPPED("skipped");

  private final String value;

  TestStatus(String value) {
    this.value = value;
  }

  /** The stored value. */
  public String value() {
    return value;
  }

  /** The status stored as {@code value}. */
  public static TestStatus of(String value) {
    for (TestStatus s : values()) {
      if (s.value.equals(value)) {
        return s;
      }
    }
    throw new IllegalArgumentException("Cannot read test status '" + value + "': not one of pass, fail, warn, skipped");
  }
}
