package org.olist.marts.common.job;

import java.time.Duration;

/**
 * How one job ended, and the single machine-readable line the orchestrator reads for its progress line (the
 * same whether the job ran in its own JVM or in the local runner's).
 */
public record JobOutcome(String job, int code, long rows, Duration duration, long sparkJobs, long commits) {
  /** Prefix of the single machine-readable line a job prints on stdout. */
  public static final String RESULT_PREFIX = "OLIST_JOB_RESULT";
  /** The job ran and wrote what it had to. */
  public static final int OK = 0;
  /** The job ran and failed: its log says why. */
  public static final int FAILED = 1;
  /** The job could not start: an option or the configuration is wrong. */
  public static final int BAD_INVOCATION = 2;

  public static JobOutcome badInvocation(String job) {
    return new JobOutcome(job, BAD_INVOCATION, 0, Duration.ZERO, 0, 0);
  }

  /** A job that failed before it could run anything on Spark. */
  public static JobOutcome failedToStart(String job, Duration duration) {
    return new JobOutcome(job, FAILED, 0, duration, 0, 0);
  }

  public boolean succeeded() {
    return code == OK;
  }

  public String resultLine() {
    return RESULT_PREFIX + " job=" + job + " status=" + (succeeded() ? "succeeded" : "failed") + " rows=" + rows
        + " seconds=" + duration.toSeconds() + " spark_jobs=" + sparkJobs + " commits=" + commits;
  }
}
