package org.olist.marts.common.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.audit.JobRun;
import org.olist.marts.common.audit.RunDetail;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.jobs.testing.AuditRow;
import org.olist.marts.jobs.testing.Frames;
import org.olist.marts.jobs.testing.JobTest;
import org.olist.marts.jobs.testing.LambdaJob;
import org.olist.marts.jobs.testing.Pipeline;
import org.olist.marts.jobs.testing.TestSpark;

/** Issue 33: a table whose inputs are those of its published version is published again, not built again. */
@JobTest
class UnchangedInputsTest {
  private static final String TABLE = "dim_rls_bridge";

  /** A job that builds the bridge from an input named by its version, under a rule, counting its builds. */
  private static OlistJob fromInputs(String inputVersion, String rule, AtomicInteger builds) {
    return LambdaJob.of("from-inputs", ctx -> ctx.writeFrom(ctx.inputs(Map.of("seeds/bridge.csv", inputVersion),
        rule), ctx.path(TABLE), () -> {
          builds.incrementAndGet();
          return ctx.overwriteOf(TABLE, Frames.table(TABLE, new Object[] {"SUL", "RS"}, new Object[] {"SUL", "SC"}));
        }));
  }

  /** Runs the job once; how many times it built the table. */
  private static int run(Path wh, String runId, String input, String rule, boolean fullRefresh) {
    AtomicInteger builds = new AtomicInteger();
    fromInputs(input, rule, builds).run(TestSpark.spark(), TestSpark.config(wh.toString(), wh,
        Map.of(OlistConfig.RUN_ID, runId, OlistConfig.FULL_REFRESH, fullRefresh)));
    return builds.get();
  }

  private static long version(Path wh) {
    return Pipeline.version(wh, "marts", TABLE);
  }

  private static Row auditRow(Path wh, String runId) {
    return Pipeline.audit(wh, runId).get("marts/" + TABLE);
  }

  private static String builtBecause(Path wh, String runId) {
    return AuditRow.of(wh, runId, "marts/" + TABLE).get(RunDetail.BUILT_BECAUSE);
  }

  @Test
  void theSameInputsPublishTheVersionAgainWithoutACommit(@TempDir Path wh) {
    assertEquals(1, run(wh, "first", "v1", "rule-a", false));
    assertEquals("no published version", builtBecause(wh, "first"));
    long version = version(wh);
    for (String runId : List.of("second", "third")) {
      AtomicInteger builds = new AtomicInteger();
      JobOutcome outcome = JobMain.run(fromInputs("v1", "rule-a", builds), TestSpark.spark(),
          TestSpark.config(wh.toString(), wh, Map.of(OlistConfig.RUN_ID, runId)), Instant.now());
      assertTrue(outcome.succeeded());
      assertEquals(0, builds.get(), runId + " reads and writes nothing");
      assertEquals(0, outcome.rows(), "the orchestrator's progress line counts no row written");
      assertEquals(version, version(wh), runId + " commits nothing");
      Row row = auditRow(wh, runId);
      assertEquals(JobRun.SUCCEEDED, row.getAs("status"));
      assertEquals(version, row.<Long>getAs("delta_version"), "publishes the version again");
      assertEquals(2L, row.<Long>getAs("rows_out"), "with the rows of the run that wrote it");
      AuditRow details = AuditRow.of(wh, runId, "marts/" + TABLE);
      details.expect(RunDetail.UNCHANGED_SINCE, "first");
      assertEquals(AuditRow.of(wh, "first", "marts/" + TABLE).get(RunDetail.INPUTS), details.get(RunDetail.INPUTS));
    }
  }

  /** Runs the job and checks that it built the table once more, into {@code version}, for {@code because}. */
  private static void builtAgain(Path wh, String runId, String input, String rule, boolean fullRefresh, long version,
                                 String because) {
    assertEquals(1, run(wh, runId, input, rule, fullRefresh), runId + " builds the table");
    assertEquals(version, version(wh), runId + " commits it");
    assertEquals(because, builtBecause(wh, runId));
    assertEquals(null, AuditRow.of(wh, runId, "marts/" + TABLE).get(RunDetail.UNCHANGED_SINCE));
  }

  @Test
  void otherInputsOrOtherRulesBuildItAgain(@TempDir Path wh) {
    run(wh, "first", "v1", "rule-a", false);
    long first = version(wh);
    builtAgain(wh, "new-input", "v2", "rule-a", false, first + 1,
        "inputs changed since version " + first + ": seeds/bridge.csv v1 -> v2");
    builtAgain(wh, "new-rule", "v2", "rule-b", false, first + 2,
        "inputs changed since version " + (first + 1) + ": the rules changed");
    assertNotEquals(AuditRow.of(wh, "new-input", "marts/" + TABLE).get(RunDetail.INPUTS),
        AuditRow.of(wh, "new-rule", "marts/" + TABLE).get(RunDetail.INPUTS), "the rules are part of the inputs");
  }

  @Test
  void aFullRefreshBuildsItAgain(@TempDir Path wh) {
    run(wh, "first", "v1", "rule-a", false);
    builtAgain(wh, "refresh", "v1", "rule-a", true, version(wh) + 1, "full refresh");
  }

  @Test
  void aVersionWrittenSinceItWasPublishedIsBuiltAgain(@TempDir Path wh) {
    run(wh, "first", "v1", "rule-a", false);
    // a commit no finished attempt published (a killed run's, say)
    String path = wh.resolve("marts/" + TABLE).toString();
    DeltaTables.read(TestSpark.spark(), path).limit(1).write().format("delta").mode("append").save(path);
    long written = version(wh);
    assertEquals(1, run(wh, "after", "v1", "rule-a", false), "the latest version is not the published one");
    assertEquals(written + 1, version(wh));
    assertEquals(2, Pipeline.table(wh, "marts", TABLE).count());
    assertEquals("version " + written + " is not the published version " + (written - 1) + " (written by an attempt "
        + "that did not finish)", builtBecause(wh, "after"));
  }

  @Test
  void anotherJobsVersionIsNotKept(@TempDir Path wh) {
    run(wh, "first", "v1", "rule-a", false);
    new FailureCauseTest.OneTableJob().run(TestSpark.spark(), TestSpark.config(wh.toString(), wh,
        Map.of(OlistConfig.RUN_ID, "other-writer")));
    assertEquals(1, run(wh, "after", "v1", "rule-a", false));
    String inputs = AuditRow.of(wh, "after", "marts/" + TABLE).get(RunDetail.INPUTS);
    assertTrue(inputs.matches("code@[0-9a-f]{16},seeds/bridge\\.csv@v1 rules:[0-9a-f]{16}"), "the build is an input: "
        + inputs);
    assertTrue(builtBecause(wh, "after").endsWith("was published by job one-table"), builtBecause(wh, "after"));
  }
}
