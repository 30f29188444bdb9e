package org.olist.marts.jobs.runner;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.config.JobOptions;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.job.JobMain;
import org.olist.marts.common.job.JobOutcome;
import org.olist.marts.common.job.OlistJob;
import org.olist.marts.common.spark.SparkSessions;
import org.olist.marts.jobs.status.StatusJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode in one JVM (SPEC §8): the orchestrator's selected jobs run in turn on one SparkContext, each on a
 * fresh {@code SparkSession.newSession()}, so a run pays for the JVM, the SparkContext and Delta's first write
 * once instead of once per job. Everything else is as with one {@code spark-submit} per job: each job's log in
 * its own file, one result line per job on stdout, a failed job stops the run (exit 1) after the status job, when
 * selected, recorded the failed attempt, and a bad invocation exits 2.
 *
 * <p>Usage: {@code LocalRunner --log-dir DIR --job NAME=CLASS [--job NAME=CLASS ...] -- JOB_ARGS...}
 */
public final class LocalRunner {
  /** The line that says whether the status job recorded a failed attempt. */
  public static final String FAILED_ATTEMPT_PREFIX = "OLIST_FAILED_ATTEMPT";
  private static final String RELEASE_LATER = OlistConfig.LEASE_RELEASE + "=false";
  private static final Logger LOG = LoggerFactory.getLogger(LocalRunner.class);

  /** One selected job: its orchestrator name, the job and its configuration. */
  record Step(String name, OlistJob job, OlistConfig config) {
  }

  private final Path logDir;
  private final List<Step> steps;
  private final String[] jobArgs;
  private final PrintStream out;
  private final PrintStream err;
  /** Whether the runner created the SparkContext, and so stops it at the end. */
  private final boolean ownsSession;
  private SparkSession base;

  private LocalRunner(Path logDir, List<Step> steps, String[] jobArgs, PrintStream out, SparkSession base) {
    this.logDir = logDir;
    this.steps = steps;
    this.jobArgs = jobArgs;
    this.out = out;
    this.err = System.err;
    this.base = base;
    this.ownsSession = base == null;
  }

  public static void main(String[] args) {
    System.exit(execute(args, System.out, null));
  }

  /**
   * Parses the runner's options and runs the jobs; result lines go to {@code out}. {@code base}: a session to run
   * the jobs on (left running), or null to start one (stopped at the end).
   */
  static int execute(String[] args, PrintStream out, SparkSession base) {
    Path logDir = null;
    List<String[]> specs = new ArrayList<>();
    int i = 0;
    for (; i < args.length && !args[i].equals("--"); i += 2) {
      if (i + 1 >= args.length) {
        return refuse("option " + args[i] + " needs a value");
      }
      switch (args[i]) {
        case "--log-dir" -> logDir = Path.of(args[i + 1]);
        case "--job" -> {
          String[] spec = args[i + 1].split("=", 2);
          if (spec.length != 2 || spec[0].isBlank() || spec[1].isBlank()) {
            return refuse("--job expects NAME=CLASS, got '" + args[i + 1] + "'");
          }
          specs.add(spec);
        }
        default -> {
          return refuse("unknown option '" + args[i] + "'");
        }
      }
    }
    if (logDir == null || specs.isEmpty()) {
      return refuse("--log-dir DIR and at least one --job NAME=CLASS are required");
    }
    String[] given = i < args.length ? Arrays.copyOfRange(args, i + 1, args.length) : new String[0];
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      return refuse("cannot create the log directory " + logDir + ": " + e.getMessage());
    }
    List<Step> steps = new ArrayList<>();
    String[] jobArgs = given;
    for (int n = 0; n < specs.size(); n++) {
      String name = specs.get(n)[0];
      try {
        String[] own = n < specs.size() - 1 ? withSet(jobArgs, RELEASE_LATER) : jobArgs;
        OlistConfig config = JobOptions.parse(own, Set.of()).toConfig();
        if (n == 0) {
          // every job of the run under one run id, also when none was given (each config would draw its own)
          jobArgs = with(given, "--run-id", config.runId());
        }
        steps.add(new Step(name, instantiate(specs.get(n)[1]), config));
      } catch (OlistException e) {
        String error = "ERROR " + name + ": " + e.getMessage();
        System.err.println(error);
        try {
          Files.writeString(logDir.resolve(name + ".log"), error + System.lineSeparator());
        } catch (IOException ignored) {
          // the message is on stderr (the runner's log) already
        }
        out.println(JobOutcome.badInvocation(name).resultLine());
        return JobOutcome.BAD_INVOCATION;
      }
    }
    return new LocalRunner(logDir, steps, jobArgs, out, base).run();
  }

  /** Runs every step in order; stops at the first failure. */
  int run() {
    try {
      for (Step step : steps) {
        JobOutcome outcome = inLog(step.name(), () -> runStep(step));
        out.println(outcome.resultLine());
        out.flush();
        if (!outcome.succeeded()) {
          recordFailedAttempt(step);
          return JobOutcome.FAILED;
        }
      }
      return JobOutcome.OK;
    } finally {
      if (ownsSession && base != null) {
        base.stop();
      }
    }
  }

  /** SPEC §8: when the status job is selected, it records the failed attempt (pipeline_last_run_at unchanged). */
  private void recordFailedAttempt(Step failed) {
    Step status = steps.stream().filter(s -> s.name().equals(StatusJob.NAME)).findFirst().orElse(null);
    if (status == null || failed == status) {
      return;
    }
    JobOutcome recorded;
    try {
      OlistConfig config = JobOptions.parse(withSet(jobArgs, OlistConfig.FAILED_JOB + "=" + failed.name()),
          Set.of()).toConfig();
      Step step = new Step(status.name(), status.job(), config);
      recorded = inLog(status.name(), () -> runStep(step));
    } catch (OlistException e) {
      recorded = JobOutcome.badInvocation(status.name());
    }
    out.println(FAILED_ATTEMPT_PREFIX + " job=" + failed.name() + " recorded=" + recorded.succeeded());
    out.flush();
  }

  /**
   * One job on a fresh session of the run's one SparkContext (created by the first job, so its start-up is in
   * that job's log). Whatever the job cached is dropped after it: the cache is shared by all sessions.
   */
  private JobOutcome runStep(Step step) {
    Instant start = Instant.now();
    SparkSession spark;
    try {
      if (base == null) {
        base = SparkSessions.create(step.config(), "pipeline");
      }
      spark = base.newSession();
    } catch (RuntimeException e) {
      LOG.error("Job {} could not start Spark: {}", step.name(), e.toString(), e);
      return JobOutcome.failedToStart(step.name(), Duration.between(start, Instant.now()));
    }
    SparkSession.setActiveSession(spark);
    SparkSession.setDefaultSession(spark);
    try {
      return JobMain.run(step.job(), spark, step.config(), start);
    } finally {
      spark.catalog().clearCache();
      SparkSession.clearActiveSession();
    }
  }

  /** Runs {@code body} with stdout and stderr (and so the job's log lines) going to {@code <log-dir>/<job>.log}. */
  private JobOutcome inLog(String job, Supplier<JobOutcome> body) {
    Path file = logDir.resolve(job + ".log");
    try (PrintStream log = new PrintStream(new FileOutputStream(file.toFile()), true, StandardCharsets.UTF_8)) {
      System.setOut(log);
      System.setErr(log);
      JobOutcome outcome = body.get();
      log.println(outcome.resultLine());
      return outcome;
    } catch (IOException e) {
      throw new OlistException("Cannot write the log of job " + job + " to " + file + ": " + e.getMessage(), e);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  private static OlistJob instantiate(String className) {
    try {
      return (OlistJob) Class.forName(className).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new OlistException("Cannot load job class " + className + ": " + e);
    }
  }

  private static String[] withSet(String[] args, String keyValue) {
    return with(args, "--set", keyValue);
  }

  private static String[] with(String[] args, String option, String value) {
    String[] all = Arrays.copyOf(args, args.length + 2);
    all[args.length] = option;
    all[args.length + 1] = value;
    return all;
  }

  private static int refuse(String message) {
    System.err.println("ERROR local runner: " + message);
    return JobOutcome.BAD_INVOCATION;
  }
}
