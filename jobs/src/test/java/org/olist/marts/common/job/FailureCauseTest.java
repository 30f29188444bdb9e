package org.olist.marts.common.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.lease.WarehouseLease;
import org.olist.marts.jobs.testing.Frames;
import org.olist.marts.jobs.testing.JobTest;
import org.olist.marts.jobs.testing.TestSpark;

/** SPEC §10: a failure names its cause first, not the audit write that failed after it. */
@JobTest
class FailureCauseTest {
  /** Publishes one bridge row: the smallest job that writes a table. */
  static final class OneTableJob extends OlistJob {
    @Override
    public String name() {
      return "one-table";
    }

    @Override
    protected void execute(JobContext ctx) {
      ctx.publish("dim_rls_bridge", Frames.table("dim_rls_bridge", new Object[] {"SUL", "RS"}));
    }
  }

  @Test
  void anUnwritableWarehouseReportsTheFailedWriteAndItsCause(@TempDir Path dir) throws IOException {
    // issue 17 #11: the warehouse root is a plain file, so the table write and the audit write both fail
    Path warehouse = Files.writeString(dir.resolve("warehouse"), "not a directory");
    OlistException e = assertThrows(OlistException.class, () -> new OneTableJob().run(TestSpark.spark(),
        TestSpark.config(dir.toString(), warehouse, Map.of(OlistConfig.LEASE_ENABLED, false))));
    String firstLine = e.getMessage().lines().findFirst().orElseThrow();
    assertTrue(firstLine.startsWith("Cannot write marts/dim_rls_bridge at " + warehouse), firstLine);
    assertTrue(firstLine.contains("Exception: "), "names the cause: " + firstLine);
    assertEquals(1, e.getSuppressed().length, "the audit write's failure is attached, not thrown instead");
  }

  @Test
  void anUnwritableWarehouseFailsAtItsLeaseFirst(@TempDir Path dir) throws IOException {
    Path warehouse = Files.writeString(dir.resolve("warehouse"), "not a directory");
    OlistException e = assertThrows(OlistException.class,
        () -> new OneTableJob().run(TestSpark.spark(), TestSpark.config(dir.toString(), warehouse)));
    assertTrue(e.getMessage().startsWith("Cannot take the lease of warehouse " + warehouse), e.getMessage());
  }

  @Test
  void aWarehouseHeldByAnotherRunIsRefusedBeforeAnythingIsWritten(@TempDir Path dir) throws IOException {
    // issue 17 #10: a second pipeline on a warehouse that a running one holds
    Path warehouse = Files.createDirectories(dir.resolve("warehouse"));
    WarehouseLease held = WarehouseLease.acquire(warehouse.toString(), new Configuration(), "run-a", "marts",
        new WarehouseLease.Terms(Duration.ofMinutes(2), Duration.ZERO, 0, ""), Clock.systemUTC());
    try {
      OlistException e = assertThrows(OlistException.class,
          () -> new OneTableJob().run(TestSpark.spark(), TestSpark.config(dir.toString(), warehouse)));
      assertTrue(e.getMessage().startsWith("Cannot start job one-table of run test-run: the warehouse is held by run "
          + "run-a (job marts"), e.getMessage());
      assertFalse(Files.exists(warehouse.resolve("marts")), "nothing written");
      assertFalse(Files.exists(warehouse.resolve("audit")), "nothing audited either");
    } finally {
      held.close(true);
    }
    new OneTableJob().run(TestSpark.spark(), TestSpark.config(dir.toString(), warehouse));
    assertTrue(Files.exists(warehouse.resolve("marts/dim_rls_bridge")), "free again once released");
    assertFalse(Files.exists(warehouse.resolve(WarehouseLease.FILE)), "a job run on its own releases its lease");
  }

  /**
   * SPEC §10, issue 34 #4: a run that loses its lease while a write runs commits nothing (the lease is read again
   * right before Delta's commit, not only before the write starts).
   */
  @Test
  void aRunThatLostItsLeaseMidWriteCommitsNothing(@TempDir Path dir) throws IOException {
    Path warehouse = Files.createDirectories(dir.resolve("warehouse"));
    WarehouseLease mine = WarehouseLease.acquire(warehouse.toString(), new Configuration(), "run-a", "marts",
        new WarehouseLease.Terms(Duration.ofMinutes(2), Duration.ZERO, 0, ""), Clock.systemUTC());
    String table = warehouse.resolve("marts/t").toString();
    try {
      TestSpark.spark().range(3).write().format("delta").save(table);
      assertEquals(3, TestSpark.spark().read().format("delta").load(table).count(), "written while the lease is held");
      // another run takes the lease (this one's renewer has not noticed yet)
      Files.writeString(warehouse.resolve(WarehouseLease.FILE), Files.readString(warehouse.resolve(
          WarehouseLease.FILE)).replaceAll("\"token\":\"[^\"]*\"", "\"token\":\"someone-else\""));
      Exception e = assertThrows(Exception.class,
          () -> TestSpark.spark().range(5).write().format("delta").mode("append").save(table));
      assertTrue(String.valueOf(OlistException.rootCause(e)).contains("lost the warehouse lease"), e.toString());
      assertEquals(3, TestSpark.spark().read().format("delta").load(table).count(), "the append never committed");
      assertFalse(Files.exists(Path.of(table, "_delta_log", "00000000000000000001.json")));
      String elsewhere = dir.resolve("elsewhere").toString();
      TestSpark.spark().range(2).write().format("delta").save(elsewhere);
      assertEquals(2, TestSpark.spark().read().format("delta").load(elsewhere).count(),
          "a table outside the warehouse is not this lease's business");
    } finally {
      mine.close(true);
    }
  }
}
