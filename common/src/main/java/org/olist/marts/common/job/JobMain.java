package org.olist.marts.common.job;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.config.JobOptions;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.spark.SparkJobCounter;
import org.olist.marts.common.spark.SparkSessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code main()} shell every job uses: parse options, build the session, run, report one result line
 * that the orchestrator reads, and exit with a real code (0 ok, 1 job failed, 2 bad invocation).
 */
public final class JobMain {
  private static final Logger LOG = LoggerFactory.getLogger(JobMain.class);

  private JobMain() {
  }

  public static void main(OlistJob job, String[] args) {
    System.exit(execute(job, args, Set.of()));
  }

  public static int execute(OlistJob job, String[] args, Set<String> extraOptions) {
    return execute(job.name(), args, extraOptions, options -> job);
  }

  /**
   * As above for a job built from its own options ({@code --out DIR}, say), parsed with the others: the factory
   * throws an {@link OlistException} for a missing or bad one, which is a bad invocation (exit 2).
   */
  public static int execute(String name, String[] args, Set<String> extraOptions,
                            Function<JobOptions, OlistJob> factory) {
    OlistConfig config;
    OlistJob job;
    try {
      JobOptions options = JobOptions.parse(args, extraOptions);
      config = options.toConfig();
      job = factory.apply(options);
    } catch (OlistException e) {
      System.err.println("ERROR " + name + ": " + e.getMessage());
      System.out.println(JobOutcome.badInvocation(name).resultLine());
      return JobOutcome.BAD_INVOCATION;
    }
    SparkSession spark = null;
    JobOutcome outcome;
    Instant start = Instant.now();
    try {
      spark = SparkSessions.create(config, job.name());
      outcome = run(job, spark, config, start);
    } catch (Throwable e) {
      LOG.error("Job {} could not start Spark: {}", job.name(), e.toString(), e);
      outcome = JobOutcome.failedToStart(job.name(), Duration.between(start, Instant.now()));
    } finally {
      if (spark != null) {
        spark.stop();
      }
    }
    System.out.println(outcome.resultLine());
    return outcome.code();
  }

  /**
   * Runs {@code job} on {@code spark} and says how it ended; a failure is logged, never thrown. The session is
   * left running (the local runner runs the next job on it).
   */
  public static JobOutcome run(OlistJob job, SparkSession spark, OlistConfig config, Instant start) {
    SparkJobCounter sparkJobs = SparkJobCounter.attach(spark.sparkContext());
    long commitsBefore = DeltaTables.commitsSoFar();
    int code = JobOutcome.FAILED;
    long rows = 0;
    try {
      List<TableResult> results = job.run(spark, config);
      rows = results.stream().mapToLong(TableResult::rowsWritten).sum();
      LOG.info("Job {} succeeded: {} tables ({} unchanged), {} rows written (run {})", job.name(), results.size(),
          results.stream().filter(TableResult::unchanged).count(), rows, config.runId());
      code = JobOutcome.OK;
    } catch (OlistException e) {
      LOG.error("Job {} failed: {}", job.name(), e.getMessage());
    } catch (Throwable e) {
      LOG.error("Job {} failed unexpectedly: {}", job.name(), e.toString(), e);
    }
    Duration duration = Duration.between(start, Instant.now());
    return new JobOutcome(job.name(), code, rows, duration, sparkJobs.stop(),
        DeltaTables.commitsSoFar() - commitsBefore);
  }
}
