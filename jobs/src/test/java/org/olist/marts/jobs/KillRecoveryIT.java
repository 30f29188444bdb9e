package org.olist.marts.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.catalog.Layer;
import org.olist.marts.common.catalog.ModelCatalog;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.lease.Lease;
import org.olist.marts.common.lease.WarehouseLease;
import org.olist.marts.jobs.datagen.DataGenJob;
import org.olist.marts.jobs.intermediate.IntermediateJob;
import org.olist.marts.jobs.marts.MartsJob;
import org.olist.marts.jobs.marts.fact.HighWaterMark;
import org.olist.marts.jobs.rls.RlsJob;
import org.olist.marts.jobs.staging.StagingJob;
import org.olist.marts.jobs.testing.Pipeline;
import org.olist.marts.jobs.testing.TestSpark;
import org.olist.marts.jobs.verify.CompareJob;
import org.olist.marts.jobs.warehouse.Tables;

/**
 * SPEC §4 crash safety: the marts job is killed with {@code kill -9} at four moments of an incremental load, each
 * recognised on disk (holding the lease before any write; with the dimensions committed and the fact not yet; as
 * soon as the MERGE has written a data file; as soon as its commit file exists); after each kill the high-water
 * mark is never ahead of the data and keys are unique, and one undisturbed re-run ends with the same fact as a run
 * that was never disturbed. A staging run killed half-way leaves the next layer reading the last complete staging
 * run. A daily run killed in its intermediate job, its next attempt killed in its rls job, then a third attempt,
 * ends with every table a rebuild writes.
 */
class KillRecoveryIT {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  /** What every test starts from, built once and only read: each test copies the warehouse it kills in. */
  @TempDir
  static Path shared;
  /** Generated input as of the day before, and the later snapshot every kill happens on. */
  static Path before;
  static Path after;
  /** Every job on the later snapshot in an empty warehouse: the tables each recovery must end with. */
  static Path reference;
  /** Every job on the day before: the warehouse the daily run (and each kill in it) starts from. */
  static Path dayBefore;

  @TempDir
  Path dir;

  @BeforeAll
  static void buildTheDayBeforeAndTheRebuild() {
    before = snapshot(shared.resolve("before"), 17, LocalDate.of(2018, 6, 30));
    after = snapshot(shared.resolve("after"), 17, null);
    reference = shared.resolve("wh-reference");
    runAll(withSeeds(after, reference, "rebuild"));
    dayBefore = shared.resolve("wh-day-before");
    runAll(withSeeds(before, dayBefore, "day-1"));
  }

  private Process marts(Path input, Path wh, String runId) throws IOException {
    return pipeline("marts", input, wh, runId);
  }

  private Process pipeline(String jobs, Path input, Path wh, String runId) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("scripts/run-pipeline.sh").toString(),
        "--jobs", jobs, "--input", input.toString(), "--warehouse", wh.toString(), "--run-id", runId)
        .redirectErrorStream(true).redirectOutput(dir.resolve(runId + ".out").toFile());
    pb.environment().put("OLIST_LOG_DIR", dir.resolve("logs").toString());
    pb.environment().put("OLIST_DRIVER_MEMORY", "2g");
    return pb.start();
  }

  /**
   * SIGKILL to the job's JVM (and the orchestrator around it) at once, then a pkill for anything left; returns once
   * every one of them is gone (a JVM of 2 GB takes a moment to die after the signal, and the next run must not find
   * it still holding the lease).
   */
  private static void killHard(Process victim, String runId) throws IOException, InterruptedException {
    List<ProcessHandle> processes = victim.toHandle().descendants().toList();
    processes.forEach(ProcessHandle::destroyForcibly);
    victim.destroyForcibly();
    new ProcessBuilder("pkill", "-9", "-f", runId).start().waitFor(30, TimeUnit.SECONDS);
    victim.waitFor(1, TimeUnit.MINUTES);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (processes.stream().anyMatch(KillRecoveryIT::alive) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /** Polls {@code condition} until it holds (false) or the process ends first (true). */
  private static boolean awaitOrExit(Process victim, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return false;
      }
      if (!victim.isAlive()) {
        return true;
      }
      Thread.sleep(2);
    }
    throw new IllegalStateException("Cannot kill at the awaited moment: it did not come within 10 minutes");
  }

  /** The table's data files (outside the log), whether committed or not. */
  private static Set<Path> dataFiles(Path table) {
    try (Stream<Path> all = Files.walk(table)) {
      return all.filter(p -> p.toString().endsWith(".parquet") && !p.toString().contains("_delta_log"))
          .collect(Collectors.toSet());
    } catch (IOException | UncheckedIOException e) {
      return Set.of();
    }
  }

  private static Dataset<Row> fact(Path wh) {
    return Pipeline.table(wh, "marts", Tables.FCT_ORDER_ITEMS);
  }

  private static void assertConsistent(Path wh, String when) {
    String path = wh.resolve("marts/fct_order_items").toString();
    Dataset<Row> fact = fact(wh);
    assertEquals(fact.count(), fact.select("order_item_sk").distinct().count(), when + ": keys unique");
    Timestamp mark = HighWaterMark.read(TestSpark.spark(), path);
    Timestamp loaded = fact.agg(functions.max("source_updated_at")).first().getTimestamp(0);
    assertTrue(mark != null && !mark.after(loaded), when + ": high-water mark " + mark + " <= data " + loaded);
  }

  /** Generated input at SF 0.005 as of {@code asOf} (null: all of it). */
  private static Path snapshot(Path out, long seed, LocalDate asOf) {
    new DataGenJob(0.005, seed, out.toString(), asOf).generate(TestSpark.spark());
    return out;
  }

  /** The newest commit of a Delta table, read from its log folder (-1 when it has none yet). */
  private static long latestCommit(Path table) {
    return DeltaTables.newestVersion(TestSpark.spark(), table.toString()).orElse(-1);
  }

  /** The newest commit of every staging table. */
  private static Map<String, Long> stagingVersions(Path wh) {
    Map<String, Long> out = new TreeMap<>();
    for (var t : ModelCatalog.get().tablesInLayer(Layer.STAGING)) {
      out.put(t.name(), latestCommit(wh.resolve("staging").resolve(t.name())));
    }
    return out;
  }

  /** Whether the warehouse lease names {@code runId} (false while the file is absent or half written). */
  private static boolean leaseHeldBy(Path wh, String runId) {
    try {
      return Files.readString(wh.resolve(WarehouseLease.FILE)).contains("\"" + runId + "\"");
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }

  @Test
  void aStagingRunKilledHalfWayLeavesTheNextLayerReadingTheLastCompleteRun() throws Exception {
    // SPEC §10: a layer is read consistently, also after a kill -9 that left staging half new
    Path wh = Pipeline.copyTree(dayBefore, dir.resolve("wh-staging-kill"));
    String lines = "intermediate/" + Tables.ORDER_ITEMS_JOINED;
    Dataset<Row> complete = DeltaTables.read(TestSpark.spark(), wh.resolve(lines).toString()).localCheckpoint();
    Map<String, Long> published = stagingVersions(wh);

    // killed as soon as a table the order lines are built from has a new commit (staging writes its sources in
    // parallel, so which table commits first is a race)
    List<String> orderLineSources = List.of("stg_orders", "stg_order_items", "stg_customers");
    Process victim = pipeline("staging", after, wh, "killed-staging");
    boolean finished = awaitOrExit(victim, () -> {
      Map<String, Long> now = stagingVersions(wh);
      return orderLineSources.stream().anyMatch(t -> now.get(t) > published.get(t));
    });
    killHard(victim, "killed-staging");
    assertTrue(!finished, "the kill must land during staging: " + Files.readString(dir.resolve("killed-staging.out")));
    Map<String, Long> halfNew = stagingVersions(wh);
    long replaced = halfNew.entrySet().stream().filter(e -> e.getValue() > published.get(e.getKey())).count();
    System.out.println("Staging tables replaced before the kill: " + replaced + " of " + halfNew.size());
    assertTrue(orderLineSources.stream().anyMatch(t -> halfNew.get(t) > published.get(t)),
        "a table the order lines are built from was replaced: "
        + halfNew + " after " + published);

    // the next layer, started on its own (in this JVM: the killed process left only files), reads the staging
    // versions of the last complete run
    new IntermediateJob().run(TestSpark.spark(), withSeeds(after, wh, "after-kill"));
    new JavaDataFrameSuiteBase().assertDataFrameNoOrderEquals(complete,
        DeltaTables.read(TestSpark.spark(), wh.resolve(lines).toString()));

    // a complete staging run publishes the new input, and the next layer follows it: as a build from scratch
    Process rerun = pipeline("staging,intermediate", after, wh, "staging-rerun");
    assertTrue(rerun.waitFor(10, TimeUnit.MINUTES));
    assertEquals(0, rerun.exitValue(), Files.readString(dir.resolve("staging-rerun.out")));
    new JavaDataFrameSuiteBase().assertDataFrameNoOrderEquals(
        DeltaTables.read(TestSpark.spark(), reference.resolve(lines).toString()),
        DeltaTables.read(TestSpark.spark(), wh.resolve(lines).toString()));
  }

  @Test
  void aKilledLoadRecoversToTheUndisturbedResult() throws Exception {
    // a warehouse ready for the incremental load of the later snapshot (the undisturbed result: the reference)
    Path ready = Pipeline.copyTree(dayBefore, dir.resolve("wh-ready"));
    OlistConfig later = withSeeds(after, ready, "later");
    new StagingJob().run(TestSpark.spark(), later);
    new IntermediateJob().run(TestSpark.spark(), later);

    // four moments, each seen on disk (no clock: a slow machine moves them, it cannot skip them): the job holds
    // the lease and has written nothing; the dimensions are committed and the fact's load has not begun; the
    // MERGE has written a data file (during it, before its commit, if the kill wins the race); its commit file
    // exists
    String factDir = "marts/fct_order_items";
    // the last dimension the later snapshot changes (sellers and products are kept: their sources did not change)
    Path customers = Path.of("marts", Tables.DIM_CUSTOMERS);
    List<String> outcomes = new ArrayList<>();
    for (String at : List.of("lease", "dimensions", "files", "commit")) {
      Path wh = dir.resolve("wh-kill-" + at);
      Pipeline.copyTree(ready, wh);
      long versionBefore = DeltaTables.version(TestSpark.spark(), wh.resolve(factDir).toString());
      long customersBefore = latestCommit(wh.resolve(customers));
      Set<Path> filesBefore = dataFiles(wh.resolve(factDir));
      Path commitFile = wh.resolve(factDir).resolve("_delta_log")
          .resolve(String.format("%020d.json", versionBefore + 1));
      String runId = "killed-" + at;
      Process victim = marts(after, wh, runId);
      boolean finished = awaitOrExit(victim, switch (at) {
        case "lease" -> () -> leaseHeldBy(wh, runId);
        case "dimensions" -> () -> latestCommit(wh.resolve(customers)) > customersBefore;
        case "files" -> () -> !filesBefore.containsAll(dataFiles(wh.resolve(factDir)));
        default -> () -> Files.exists(commitFile);
      });
      killHard(victim, runId);
      long versionAfterKill = DeltaTables.version(TestSpark.spark(), wh.resolve(factDir).toString());
      String outcome = finished ? "finished before the kill" : versionAfterKill > versionBefore
          ? "killed after the commit" : "killed before the commit";
      outcomes.add(at + ": " + outcome);
      if (at.equals("commit")) {
        assertEquals("killed after the commit", outcome, "the commit-file kill must land after the commit");
      } else if (!at.equals("files")) {
        assertEquals("killed before the commit", outcome, "the kill at " + at + " must land before the MERGE");
      }
      assertConsistent(wh, "after kill at " + at);

      // the re-run after the last kill is a new process, as in production; the others run in this JVM (the killed
      // process left only files and a lease naming a dead process: nothing of it is in this JVM to lean on)
      String rerunId = "rerun-" + at;
      if (at.equals("commit")) {
        Process rerun = marts(after, wh, rerunId);
        assertTrue(rerun.waitFor(10, TimeUnit.MINUTES));
        assertEquals(0, rerun.exitValue(), Files.readString(dir.resolve(rerunId + ".out")));
      } else {
        new MartsJob().run(TestSpark.spark(), withSeeds(after, wh, rerunId));
      }
      assertConsistent(wh, "after re-run " + at);
      new JavaDataFrameSuiteBase().assertDataFrameNoOrderEquals(fact(reference).drop("loaded_at"),
          fact(wh).drop("loaded_at"));
    }
    System.out.println("Kill outcomes: " + outcomes);
  }

  /**
   * Issue 33: {@code kill -9} in the intermediate job of a daily run, as soon as it has committed to its first table
   * and before it ends; the next attempt is killed in turn in the rls job, the same way; a third attempt runs every
   * job (staging's and the marts' kills: the tests above). Every staging, quarantine, intermediate and mart table and
   * every secured copy then equals a rebuild on the same snapshot ({@link CompareJob}): a job that dies between its
   * tables' commits and its published versions leaves the next attempt nothing to skip, and what the interrupted
   * intermediate job left is what the later attempts build on.
   */
  @Test
  void aDailyRunKilledInTheIntermediateThenInTheRlsJobEndsAsARebuild() throws Exception {
    Path wh = Pipeline.copyTree(dayBefore, dir.resolve("wh-daily"));

    // the jobs before the victim's in this JVM, the victim's in a process of its own
    new StagingJob().run(TestSpark.spark(), withSeeds(after, wh, "day-2"));
    killAfterItsFirstCommit(IntermediateJob.NAME, after, wh, wh.resolve(Layer.INTERMEDIATE.dir()));
    Pipeline.run(withSeeds(after, wh, "day-2-again"));
    killAfterItsFirstCommit(RlsJob.NAME, after, wh, wh.resolve(Tables.SECURE_DIR));

    // the daily run again, every job, as the orchestrator's next attempt would run it
    runAll(withSeeds(after, wh, "day-2-third"));
    new CompareJob(reference.toString()).run(TestSpark.spark(), withSeeds(after, wh, "compare"));
  }

  /**
   * Runs {@code job} on {@code wh} in a process of its own and kills it once it has committed to a table under
   * {@code written}, before it ends.
   */
  private void killAfterItsFirstCommit(String job, Path input, Path wh, Path written) throws Exception {
    Map<String, Long> published = Pipeline.commits(written);
    String runId = "killed-daily-" + job;
    Process victim = pipeline(job, input, wh, runId);
    boolean finished = awaitOrExit(victim, () -> published.entrySet().stream()
        .anyMatch(t -> latestCommit(written.resolve(t.getKey())) > t.getValue()));
    killHard(victim, runId);
    assertTrue(!finished, "the kill must land in the " + job + " job: "
        + Files.readString(dir.resolve(runId + ".out")));
    Map<String, Long> afterKill = Pipeline.commits(written);
    System.out.println("Tables the " + job + " job committed before the kill: "
        + afterKill.entrySet().stream().filter(t -> t.getValue() > published.getOrDefault(t.getKey(), -1L)).count()
        + " of " + afterKill.size());
  }

  /** A run's configuration with the shipped RLS seeds (those the orchestrator's jobs read). */
  private static OlistConfig withSeeds(Path input, Path wh, String runId) {
    return TestSpark.config(input.toString(), wh, Map.of(OlistConfig.RUN_ID, runId,
        OlistConfig.RLS_SEEDS, ROOT.resolve("data/seeds").toString()));
  }

  /** The default jobs that build tables, in this JVM: staging, intermediate, marts and rls. */
  private static void runAll(OlistConfig config) {
    Pipeline.run(config);
    new RlsJob().run(TestSpark.spark(), config);
  }

  /**
   * Whether a process lives: a zombie (killed after its parent, where nothing reaps it) does not, though
   * {@link ProcessHandle#isAlive} says so.
   */
  private static boolean alive(ProcessHandle p) {
    if (!p.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException | RuntimeException e) {
      return p.isAlive();
    }
  }

  /** The lease as stored now; empty while the file is absent or half written. */
  private static Optional<Lease> lease(Path wh) {
    try {
      return WarehouseLease.current(wh.toString(), new Configuration());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * SPEC §10, issue 34 #4: {@code kill -9} of the orchestrator alone. Its JVM stops by itself, and a run started at
   * once takes the warehouse only once that JVM is gone (refused, naming the holder, while it lives), so no commit
   * of the abandoned run can follow the takeover.
   */
  @Test
  void aKilledOrchestratorsJvmStopsAndTheNextRunTakesOverOnlyOnceItIsGone() throws Exception {
    Path input = after;
    Path wh = dir.resolve("wh-orphan");
    Process script = pipeline("staging,intermediate,marts", input, wh, "orphaned");
    boolean finished = awaitOrExit(script, () -> leaseHeldBy(wh, "orphaned")
        && stagingVersions(wh).values().stream().anyMatch(v -> v >= 0));
    assertTrue(!finished, "the kill must land while staging writes: " + Files.readString(dir.resolve("orphaned.out")));
    List<ProcessHandle> jvms = script.toHandle().descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false)).toList();
    assertEquals(1, jvms.size(), "one JVM runs the run's jobs locally");
    try {
      script.destroyForcibly();
      assertTrue(script.waitFor(1, TimeUnit.MINUTES));
      Instant killed = Instant.now();
      Instant oldGone = null;
      Instant takenOver = null;
      int attempt = 0;
      while (takenOver == null) {
        String runId = "takeover-" + (++attempt);
        // staging alone: what the takeover run does next is the other tests' concern
        Process next = pipeline("staging", input, wh, runId);
        while (next.isAlive()) {
          if (oldGone == null && !alive(jvms.get(0))) {
            oldGone = Instant.now();
          }
          Optional<Lease> now = lease(wh);
          if (takenOver == null && now.isPresent() && now.get().runId().equals(runId)) {
            takenOver = Instant.parse(now.get().acquiredAt());
          }
          Thread.sleep(2);
        }
        String out = Files.readString(dir.resolve(runId + ".out"));
        if (takenOver == null) {
          assertTrue(out.contains("the warehouse is held by run orphaned"), "refused naming the holder:\n" + out);
          assertTrue(attempt < 20, "the orphaned JVM never let go");
        } else {
          assertEquals(0, next.exitValue(), out);
        }
      }
      if (oldGone == null) {
        oldGone = alive(jvms.get(0)) ? null : takenOver;
      }
      assertTrue(oldGone != null, "the orphaned JVM stopped by itself");
      // it notices within a second; its exit may take longer (a Class Data Sharing archive dumped at exit, say)
      assertTrue(Duration.between(killed, oldGone).getSeconds() < 90, "soon after its orchestrator's death: "
          + Duration.between(killed, oldGone));
      assertTrue(!takenOver.isBefore(oldGone.minusSeconds(1)), "taken over at " + takenOver
          + ", only once the orphaned JVM was gone (seen at " + oldGone + ")");
    } finally {
      jvms.forEach(ProcessHandle::destroyForcibly);
    }
  }
}
