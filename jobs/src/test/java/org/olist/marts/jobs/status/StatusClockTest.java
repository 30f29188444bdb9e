package org.olist.marts.jobs.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.jobs.rls.RlsJob;
import org.olist.marts.jobs.rls.RlsSeeds;
import org.olist.marts.jobs.testing.JobTest;
import org.olist.marts.jobs.testing.OlistData;
import org.olist.marts.jobs.testing.Pipeline;
import org.olist.marts.jobs.testing.SampleWarehouse;
import org.olist.marts.jobs.testing.TestSpark;
import org.olist.marts.jobs.warehouse.Tables;

/**
 * The engineering clock (SPEC §6) moves only for a run of every default job that passed: a run of some jobs only,
 * even a successful one, records its attempt and leaves the clock where the last full success put it.
 */
@JobTest
class StatusClockTest {
  @TempDir
  Path dir;

  private Row status(Path wh) {
    return Pipeline.table(wh, "marts", Tables.PROJECT_STATUS).first();
  }

  @Test
  void aStatusRunAloneAfterAFailedPartialRunKeepsTheClockAndTheFailureIsNotWipedAsSuccess() throws IOException {
    Path wh = SampleWarehouse.copyTo(dir.resolve("wh"));
    Timestamp good = status(wh).getAs("pipeline_last_run_at");
    assertNotNull(good, "the sample's run of every job set the clock");

    Path seeds = Pipeline.copy(OlistData.sample().getParent().resolve("seeds"), dir.resolve("seeds"));
    List<String> users = new ArrayList<>(Files.readAllLines(seeds.resolve(RlsSeeds.USERS_FILE)));
    users.add("intern@olist.com,SUL,superuser");
    Files.write(seeds.resolve(RlsSeeds.USERS_FILE), users, StandardCharsets.UTF_8);
    OlistConfig badSeed = SampleWarehouse.config(wh, "rls-bad", Map.of(OlistConfig.RLS_SEEDS, seeds.toString(),
        OlistConfig.RUN_JOBS, "rls,status"));
    assertThrows(OlistException.class, () -> new RlsJob().run(TestSpark.spark(), badSeed));
    new StatusJob().run(TestSpark.spark(), SampleWarehouse.config(wh, "rls-bad", Map.of(
        OlistConfig.RLS_SEEDS, seeds.toString(), OlistConfig.RUN_JOBS, "rls,status", OlistConfig.FAILED_JOB, "rls")));
    Row failed = status(wh);
    assertEquals(good, failed.getAs("pipeline_last_run_at"), "a failed run holds the clock");
    assertEquals(StatusJob.FAILED, failed.getAs("last_attempt_status"));

    new StatusJob().run(TestSpark.spark(), SampleWarehouse.config(wh, "status-only",
        Map.of(OlistConfig.RUN_JOBS, "status")));
    Row alone = status(wh);
    assertEquals(good, alone.getAs("pipeline_last_run_at"), "--jobs status alone does not move the clock");
    assertEquals(StatusJob.PARTIAL, alone.getAs("last_attempt_status"));
    assertEquals("status-only", alone.getAs("run_id"));
    assertTrue(((Timestamp) alone.getAs("last_attempt_at")).after(good), "the attempt itself is recorded");

    new StatusJob().run(TestSpark.spark(), SampleWarehouse.config(wh, "claims-all", Map.of()));
    Row claimed = status(wh);
    assertEquals(good, claimed.getAs("pipeline_last_run_at"),
        "a run that names every job but has no audit rows of them moves nothing");
    assertEquals(StatusJob.PARTIAL, claimed.getAs("last_attempt_status"));
  }

  @Test
  void theJobsARunDidNotContainAreThoseNotSelectedOrNotRecorded() {
    List<String> all = List.of("staging", "intermediate", "marts", "rls", "test", "status");
    assertEquals(List.of("staging", "intermediate", "marts", "rls", "test"), StatusJob.notRun(List.of("status"),
        List.of(), "r1"));
    assertEquals(List.of("staging", "intermediate", "marts", "rls", "test"), StatusJob.notRun(all, List.of(), "r1"),
        "selected but with no audit row of the run");
    assertEquals(all, StatusJob.notRun(List.of(), List.of(), "r1"), "a job submitted by hand says nothing");
  }
}
