package org.olist.marts.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.jobs.datagen.DataGenJob;
import org.olist.marts.jobs.marts.HighWaterMark;
import org.olist.marts.jobs.testing.Pipeline;
import org.olist.marts.jobs.testing.TestSpark;

/**
 * SPEC §4 crash safety: the marts job is killed with {@code kill -9} at several moments of an incremental
 * load (before, during and after the MERGE commit); after each kill the high-water mark is never ahead of the
 * data and keys are unique, and one undisturbed re-run ends with the same fact as a run that was never
 * disturbed.
 */
class KillRecoveryIT {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @TempDir
  Path dir;

  private Process marts(Path input, Path wh, String runId) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("scripts/run-pipeline.sh").toString(),
        "--jobs", "marts", "--input", input.toString(), "--warehouse", wh.toString(), "--run-id", runId)
        .redirectErrorStream(true).redirectOutput(dir.resolve(runId + ".out").toFile());
    pb.environment().put("OLIST_LOG_DIR", dir.resolve("logs").toString());
    pb.environment().put("OLIST_DRIVER_MEMORY", "2g");
    return pb.start();
  }

  private static void killHard(String runId) throws IOException, InterruptedException {
    new ProcessBuilder("pkill", "-9", "-f", runId).start().waitFor(30, TimeUnit.SECONDS);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private static Dataset<Row> fact(Path wh) {
    return Pipeline.table(wh, "marts", "fct_order_items");
  }

  private static void assertConsistent(Path wh, String when) {
    String path = wh.resolve("marts/fct_order_items").toString();
    Dataset<Row> fact = fact(wh);
    assertEquals(fact.count(), fact.select("order_item_sk").distinct().count(), when + ": keys unique");
    Timestamp mark = HighWaterMark.read(TestSpark.spark(), path);
    Timestamp loaded = fact.agg(functions.max("source_updated_at")).first().getTimestamp(0);
    assertTrue(mark != null && !mark.after(loaded), when + ": high-water mark " + mark + " <= data " + loaded);
  }

  @Test
  void aKilledLoadRecoversToTheUndisturbedResult() throws Exception {
    Path before = dir.resolve("before");
    new DataGenJob(0.005, 9, before.toString(), LocalDate.of(2018, 1, 31)).generate(TestSpark.spark());
    Path after = dir.resolve("after");
    new DataGenJob(0.005, 9, after.toString(), null).generate(TestSpark.spark());

    // the undisturbed result, and a warehouse ready for the incremental load of the later snapshot
    Path reference = dir.resolve("wh-reference");
    Pipeline.run(TestSpark.config(after.toString(), reference, Map.of(OlistConfig.FULL_REFRESH, true)));
    Path ready = dir.resolve("wh-ready");
    Pipeline.run(TestSpark.config(before.toString(), ready, Map.of(OlistConfig.RUN_ID, "before")));
    OlistConfig later = TestSpark.config(after.toString(), ready, Map.of(OlistConfig.RUN_ID, "later"));
    new org.olist.marts.jobs.staging.StagingJob().run(TestSpark.spark(), later);
    new org.olist.marts.jobs.intermediate.IntermediateJob().run(TestSpark.spark(), later);

    // how long an undisturbed marts job takes, as a process
    Path timing = dir.resolve("wh-timing");
    copyTree(ready, timing);
    long start = System.nanoTime();
    Process p = marts(after, timing, "timing-run");
    assertTrue(p.waitFor(10, TimeUnit.MINUTES));
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("timing-run.out")));
    long millis = (System.nanoTime() - start) / 1_000_000;

    List<String> outcomes = new ArrayList<>();
    for (double at : new double[] {0.35, 0.7, 0.85, 0.97}) {
      Path wh = dir.resolve("wh-kill-" + (int) (at * 100));
      copyTree(ready, wh);
      long versionBefore = DeltaTables.version(TestSpark.spark(), wh.resolve("marts/fct_order_items").toString());
      String runId = "killed-" + (int) (at * 100);
      Process victim = marts(after, wh, runId);
      boolean finished = victim.waitFor((long) (millis * at), TimeUnit.MILLISECONDS);
      killHard(runId);
      victim.waitFor(1, TimeUnit.MINUTES);
      long versionAfterKill = DeltaTables.version(TestSpark.spark(), wh.resolve("marts/fct_order_items").toString());
      outcomes.add(at + ": " + (finished ? "finished before the kill" : versionAfterKill > versionBefore
          ? "killed after the commit" : "killed before the commit"));
      assertConsistent(wh, "after kill at " + at);

      Process rerun = marts(after, wh, "rerun-" + (int) (at * 100));
      assertTrue(rerun.waitFor(10, TimeUnit.MINUTES));
      assertEquals(0, rerun.exitValue(), Files.readString(dir.resolve("rerun-" + (int) (at * 100) + ".out")));
      assertConsistent(wh, "after re-run " + at);
      new JavaDataFrameSuiteBase().assertDataFrameNoOrderEquals(fact(reference).drop("loaded_at"),
          fact(wh).drop("loaded_at"));
    }
    System.out.println("Kill outcomes: " + outcomes);
  }
}
