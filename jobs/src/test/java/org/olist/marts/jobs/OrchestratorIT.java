package org.olist.marts.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/run-pipeline.sh} as a user runs it (after {@code package}, by Failsafe): real
 * spark-submit processes (one JVM for the run, the local default, and one per job), one progress line per job,
 * exit codes, refusals.
 */
class OrchestratorIT {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @TempDir
  Path dir;

  record Result(int code, String out) {
  }

  private Process start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("scripts/run-pipeline.sh").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile());
    pb.environment().put("OLIST_LOG_DIR", dir.resolve("logs").toString());
    pb.environment().put("OLIST_DRIVER_MEMORY", "2g");
    return pb.start();
  }

  private static Result finish(Process p) throws IOException, InterruptedException {
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.MINUTES));
    return new Result(p.exitValue(), out);
  }

  private Result run(String... args) throws IOException, InterruptedException {
    return finish(start(args));
  }

  @Test
  void runsSelectedJobsInPipelineOrderAndSaysWhereTheTablesAre() throws Exception {
    // the whole default pipeline on the sample is README command 1, which .ci/run runs and checks
    Path wh = dir.resolve("wh");
    Process first = start("--warehouse", wh.toString(), "--run-id", "it-1", "--jobs", "status,rls");
    // SPEC §10: while it runs, a second pipeline on the same warehouse is refused, naming the holder
    Path lease = wh.resolve("_lease.json");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!Files.exists(lease) && first.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    Result second = run("--warehouse", wh.toString(), "--run-id", "it-2", "--jobs", "rls", "--jvm-per-job");
    assertEquals(1, second.code(), second.out());
    assertTrue(second.out().contains("the warehouse is held by run it-1"), second.out());
    // and so is a second run with the same run id: the lease is the attempt's, not the run id's
    Result same = run("--warehouse", wh.toString(), "--run-id", "it-1", "--jobs", "rls", "--jvm-per-job");
    assertEquals(1, same.code(), same.out());
    assertTrue(same.out().contains("the warehouse is held by run it-1") && same.out().contains(
        "another attempt of the same run id"), same.out());
    assertTrue(Files.isDirectory(dir.resolve("logs/it-1.attempt-2")), "its logs go beside the first attempt's");
    Result r = finish(first);
    assertEquals(0, r.code(), r.out());
    assertTrue(!Files.exists(lease), "the run's last job released the lease");
    assertTrue(r.out().matches("(?s).*\\[1/2\\] rls +succeeded +\\d+s +rows written: 63 +\\(\\d+ Spark jobs, "
        + "\\d+ Delta commits\\).*"), r.out());
    assertTrue(r.out().matches("(?s).*\\[2/2\\] status +succeeded +\\d+s +rows written: 2 .*"), r.out());
    // a run of two jobs is a partial attempt: the engineering clock has not moved, and the SLO says so
    assertTrue(r.out().matches("(?s).*Pipeline succeeded in \\d+s \\(SLO: 1 SLO breached: engineering clock: no fully "
        + "successful run yet\\)\\..*"), r.out());
    assertTrue(Files.isRegularFile(dir.resolve("logs/it-1/rls.log")) && Files.isRegularFile(
        dir.resolve("logs/it-1/status.log")), "one log per job, also when the jobs share a JVM");
    assertTrue(Files.readString(dir.resolve("logs/it-1/rls.log")).contains("Wrote marts/dim_rls_bridge"));
    assertTrue(!Files.readString(dir.resolve("logs/it-1/status.log")).contains("Wrote marts/dim_rls_bridge"));
    assertTrue(r.out().contains("Delta tables are under " + wh), r.out());
    for (String t : List.of("marts/dim_security_rls", "marts/dim_rls_bridge", "marts/meta_project_status",
        "audit/job_runs")) {
      assertTrue(Files.isDirectory(wh.resolve(t).resolve("_delta_log")), t);
    }
  }

  @Test
  void stopsAtTheFirstFailureWithAReadableError() throws Exception {
    Result r = run("--input", dir.resolve("nowhere").toString(), "--warehouse", dir.resolve("wh").toString());
    assertEquals(1, r.code(), r.out());
    assertTrue(r.out().contains("[1/6] staging       FAILED"), r.out());
    assertTrue(r.out().contains("Cannot stage: the input directory " + dir.resolve("nowhere") + " does not exist"),
        r.out());
    assertTrue(!r.out().contains("[2/6]"), "later jobs do not run");
    assertTrue(r.out().contains("status        recorded the failed attempt"), r.out());
  }

  @Test
  void refusesBadOptions() throws Exception {
    Result backwards = run("--from", "2018-02-01", "--to", "2018-01-01");
    assertEquals(2, backwards.code());
    assertTrue(backwards.out().contains("--from 2018-02-01 is after --to 2018-01-01"), backwards.out());
    Result unknown = run("--jobs", "bogus");
    assertEquals(2, unknown.code());
    assertTrue(unknown.out().contains("unknown job 'bogus'"), unknown.out());
    Result option = run("--frm", "2018-01-01");
    assertEquals(2, option.code());
    assertTrue(option.out().contains("unknown option '--frm'"), option.out());
    Result half = run("--from", "2018-01-01");
    assertEquals(2, half.code());
    assertTrue(half.out().contains("--from and --to go together"), half.out());
  }
}
