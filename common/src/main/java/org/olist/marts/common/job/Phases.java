package org.olist.marts.common.job;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkContext;

/**
 * The named phases of a step, timed and labelled for the Spark UI: each Spark job started in a phase carries
 * "{@code <label>: <phase>}" as its description (per thread, so concurrent steps keep their own labels), and the
 * milliseconds per phase go to the step's audit row: the first place to look when it slows down.
 */
public final class Phases {
  private final SparkContext spark;
  private final String label;
  private final Map<String, Long> millis = new LinkedHashMap<>();
  private String current;
  private long since;

  public Phases(SparkContext spark, String label) {
    this.spark = spark;
    this.label = label;
  }

  /** Ends the current phase (if any) and starts {@code phase}. */
  public void start(String phase) {
    stop();
    current = phase;
    since = System.nanoTime();
    spark.setJobDescription(label + ": " + phase);
  }

  /** Ends the current phase; later Spark jobs of this thread carry no description. */
  public void stop() {
    if (current != null) {
      millis.merge(current, (System.nanoTime() - since) / 1_000_000, Long::sum);
      current = null;
    }
    spark.setJobDescription(null);
  }

  /** Milliseconds per phase, in the order they started. */
  public Map<String, Long> millis() {
    stop();
    return new LinkedHashMap<>(millis);
  }
}
