package org.olist.marts.common.config;

import java.util.Locale;

/**
 * Whether Spark compiles generated code for the run's queries ({@code olist.spark.codegen}). On small inputs
 * compiling each new query's code costs more CPU than the compiled code saves; on large ones it pays.
 */
public enum Codegen {
  /** Off when the run's input files total less than {@code olist.spark.small-input-mb}, else on. */
  AUTO,
  ON,
  OFF;

  /** The value as written in the configuration. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }
}
