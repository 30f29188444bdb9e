package org.olist.marts.common.spark;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * Counts the Spark jobs started while it is attached, for the per-job figures the orchestrator and the benchmark
 * print. Listener events arrive asynchronously: {@link #stop} waits until the count has been still for a moment.
 */
public final class SparkJobCounter extends SparkListener implements AutoCloseable {
  private static final long QUIET_MILLIS = 50;
  private static final long MAX_WAIT_MILLIS = 2_000;

  private final SparkContext context;
  private final AtomicLong jobs = new AtomicLong();

  private SparkJobCounter(SparkContext context) {
    this.context = context;
  }

  public static SparkJobCounter attach(SparkContext context) {
    SparkJobCounter counter = new SparkJobCounter(context);
    context.addSparkListener(counter);
    return counter;
  }

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    jobs.incrementAndGet();
  }

  /** Detaches the counter once events stopped arriving, and returns the count. */
  public long stop() {
    long deadline = System.currentTimeMillis() + MAX_WAIT_MILLIS;
    long seen = -1;
    while (seen != jobs.get() && System.currentTimeMillis() < deadline) {
      seen = jobs.get();
      try {
        Thread.sleep(QUIET_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    close();
    return jobs.get();
  }

  @Override
  public void close() {
    context.removeSparkListener(this);
  }
}
