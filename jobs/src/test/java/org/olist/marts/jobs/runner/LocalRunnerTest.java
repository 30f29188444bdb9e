package org.olist.marts.jobs.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.audit.JobRunAudit;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.OlistJob;
import org.olist.marts.jobs.rls.RlsJob;
import org.olist.marts.jobs.status.StatusJob;
import org.olist.marts.jobs.testing.JobTest;
import org.olist.marts.jobs.testing.OlistData;
import org.olist.marts.jobs.testing.Pipeline;
import org.olist.marts.jobs.testing.TestSpark;
import org.olist.marts.jobs.warehouse.Tables;

@JobTest
class LocalRunnerTest {
  @TempDir
  Path dir;

  /** A job that fails as a real one does: with a message naming what went wrong. */
  public static final class Failing extends OlistJob {
    @Override
    public String name() {
      return "boom";
    }

    @Override
    protected void execute(JobContext context) {
      throw new OlistException("Cannot go on: the test says so");
    }
  }

  private record Run(int code, List<String> lines) {
  }

  private Run run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = LocalRunner.execute(args, new PrintStream(bytes, true, StandardCharsets.UTF_8), TestSpark.spark());
    return new Run(code, bytes.toString(StandardCharsets.UTF_8).lines().toList());
  }

  private String[] args(String runId, String... jobs) {
    List<String> all = new ArrayList<>(List.of("--log-dir", dir.resolve("logs").toString()));
    for (String job : jobs) {
      all.add("--job");
      all.add(job);
    }
    all.addAll(List.of("--", "--input", OlistData.sample().toString(), "--warehouse", dir.resolve("wh").toString(),
        "--run-id", runId, "--set", "olist.rls.seeds=" + OlistData.sample().getParent().resolve("seeds")));
    return all.toArray(String[]::new);
  }

  private String log(String job) throws IOException {
    return Files.readString(dir.resolve("logs").resolve(job + ".log"));
  }

  @Test
  void runsEachJobOnItsOwnSessionWithItsOwnLogAndResultLine() throws IOException {
    Run r = run(args("one-jvm", "rls=" + RlsJob.class.getName(), "status=" + StatusJob.class.getName()));
    assertEquals(0, r.code(), String.join("\n", r.lines()));
    assertEquals(2, r.lines().size(), String.join("\n", r.lines()));
    assertTrue(r.lines().get(0).matches("OLIST_JOB_RESULT job=rls status=succeeded rows=63 seconds=\\d+ "
        + "spark_jobs=[1-9]\\d* commits=[1-9]\\d*"), r.lines().get(0));
    assertTrue(r.lines().get(1).startsWith("OLIST_JOB_RESULT job=status status=succeeded rows=2 "),
        "the status row and the run's SLI row: " + r.lines().get(1));
    assertTrue(log("rls").contains("Wrote marts/dim_rls_bridge"), log("rls"));
    assertFalse(log("status").contains("Wrote marts/dim_rls_bridge"), "each job's lines in its own log");
    assertTrue(log("status").contains("Wrote marts/meta_project_status"), log("status"));
    assertTrue(log("status").contains("Wrote audit/sli"), log("status"));
    assertFalse(dir.resolve("wh/_lease.json").toFile().exists(), "the last job released the warehouse lease");
    assertFalse(TestSpark.spark().sparkContext().isStopped(), "a session it was given is left running");
  }

  @Test
  void theJobsOfARunShareOneRunIdAlsoWhenNoneIsGiven() {
    List<String> given = new ArrayList<>(List.of(args("unused", "rls=" + RlsJob.class.getName(),
        "status=" + StatusJob.class.getName())));
    int at = given.indexOf("--run-id");
    given.subList(at, at + 2).clear();
    Run r = run(given.toArray(String[]::new));
    assertEquals(0, r.code(), String.join("\n", r.lines()));
    List<Object> runIds = Pipeline.table(dir.resolve("wh"), "audit", JobRunAudit.TABLE).select("run_id").distinct()
        .collectAsList().stream().map(row -> row.get(0)).toList();
    assertEquals(1, runIds.size(), runIds.toString());
  }

  @Test
  void aFailedJobStopsTheRunAndTheStatusJobRecordsTheAttempt() {
    Run r = run(args("fails", "boom=" + Failing.class.getName(), "rls=" + RlsJob.class.getName(),
        "status=" + StatusJob.class.getName()));
    assertEquals(1, r.code());
    assertEquals(2, r.lines().size(), String.join("\n", r.lines()));
    assertTrue(r.lines().get(0).startsWith("OLIST_JOB_RESULT job=boom status=failed rows=0 "), r.lines().get(0));
    assertEquals("OLIST_FAILED_ATTEMPT job=boom recorded=true", r.lines().get(1));
    Row status = Pipeline.table(dir.resolve("wh"), "marts", Tables.PROJECT_STATUS).first();
    assertEquals("failed", status.getAs("last_attempt_status"));
    assertTrue(String.valueOf(status.<String>getAs("last_attempt_failure")).contains("boom"),
        String.valueOf(status.<String>getAs("last_attempt_failure")));
    assertFalse(dir.resolve("wh/marts/dim_rls_bridge").toFile().exists(), "no job after the failed one ran");
  }

  @Test
  void aBadInvocationExitsTwoNamingTheProblem() throws IOException {
    String[] typo = args("bad", "rls=" + RlsJob.class.getName());
    typo[typo.length - 2] = "--sett";
    Run bad = run(typo);
    assertEquals(2, bad.code());
    assertEquals(List.of("OLIST_JOB_RESULT job=rls status=failed rows=0 seconds=0 spark_jobs=0 commits=0"),
        bad.lines());
    assertTrue(log("rls").contains("unknown option '--sett'"), log("rls"));
    assertEquals(2, run(args("bad", "rls=org.olist.marts.NoSuchJob")).code());
    assertEquals(2, run(args("bad", "rls")).code());
    assertEquals(2, run("--job", "rls=" + RlsJob.class.getName()).code(), "--log-dir is required");
  }
}
