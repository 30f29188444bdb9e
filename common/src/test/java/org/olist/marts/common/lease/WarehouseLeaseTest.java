package org.olist.marts.common.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.OlistException;

/** One writer at a time (SPEC §10): the warehouse lease on a local file system. */
class WarehouseLeaseTest {
  private static final Configuration CONF = new Configuration();
  private static final WarehouseLease.Terms TERMS = new WarehouseLease.Terms(Duration.ofMinutes(2), Duration.ZERO, 0);

  @TempDir
  Path warehouse;

  private WarehouseLease take(String runId, Clock clock) {
    return WarehouseLease.acquire(warehouse.toString(), CONF, runId, "staging", TERMS, clock);
  }

  private void plant(Lease lease) throws IOException {
    Files.writeString(warehouse.resolve(WarehouseLease.FILE), new ObjectMapper().writeValueAsString(lease));
  }

  private static Lease held(String runId, String host, long pid, Instant now, Duration ttl) {
    return Lease.of(runId, "marts", host, pid, now, now, now.plus(ttl), UUID.randomUUID().toString());
  }

  private static String localHost() throws IOException {
    return java.net.InetAddress.getLocalHost().getHostName();
  }

  @Test
  void aSecondRunIsRefusedNamingTheHolder() {
    try (WarehouseLease a = take("run-a", Clock.systemUTC())) {
      OlistException e = assertThrows(OlistException.class, () -> take("run-b", Clock.systemUTC()));
      assertTrue(e.getMessage().startsWith("Cannot start job staging of run run-b: the warehouse is held by run run-a"),
          e.getMessage());
      assertEquals("run-a", WarehouseLease.current(warehouse.toString(), CONF).orElseThrow().runId());
    }
    assertTrue(WarehouseLease.current(warehouse.toString(), CONF).isEmpty(), "released when the job ends");
  }

  @Test
  void theRunsNextJobTakesOverAndTheLastReleases() {
    take("run-a", Clock.systemUTC()).close(false);
    assertEquals("run-a", WarehouseLease.current(warehouse.toString(), CONF).orElseThrow().runId(), "kept");
    assertThrows(OlistException.class, () -> take("run-b", Clock.systemUTC()), "still held between jobs");
    take("run-a", Clock.systemUTC()).close(true);
    take("run-b", Clock.systemUTC()).close(true);
  }

  @Test
  void aHolderThatDiedOnThisHostReleasesAtOnce() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    plant(held("run-dead", localHost(), p.pid(), Instant.now(), Duration.ofHours(1)));
    try (WarehouseLease b = take("run-b", Clock.systemUTC())) {
      assertEquals("run-b", WarehouseLease.current(warehouse.toString(), CONF).orElseThrow().runId());
    }
  }

  @Test
  void aHolderOnAnotherHostBindsUntilItsLeaseLapses() throws IOException {
    Instant now = Instant.parse("2026-11-30T10:00:00Z");
    plant(held("run-remote", "another-host", 1, now, Duration.ofMinutes(2)));
    assertThrows(OlistException.class, () -> take("run-b", Clock.fixed(now.plusSeconds(119), ZoneOffset.UTC)));
    take("run-b", Clock.fixed(now.plusSeconds(120), ZoneOffset.UTC)).close(true);
  }

  @Test
  void aLeaseTakenByAnotherRunRefusesTheLosersNextWrite() throws IOException {
    WarehouseLease a = take("run-a", Clock.systemUTC());
    a.check();
    plant(held("run-b", "another-host", 1, Instant.now(), Duration.ofMinutes(2)));
    a.renew();
    OlistException e = assertThrows(OlistException.class, a::check);
    assertTrue(e.getMessage().contains("lost the warehouse lease to run run-b"), e.getMessage());
    a.close(true);
    assertEquals("run-b", WarehouseLease.current(warehouse.toString(), CONF).orElseThrow().runId(),
        "the loser never deletes the winner's lease");
  }

  @Test
  void renewingExtendsTheLease() throws IOException {
    try (WarehouseLease a = take("run-a", Clock.systemUTC())) {
      Lease before = WarehouseLease.current(warehouse.toString(), CONF).orElseThrow();
      a.renew();
      Lease after = WarehouseLease.current(warehouse.toString(), CONF).orElseThrow();
      assertEquals(before.token(), after.token());
      assertFalse(Instant.parse(after.expiresAt()).isBefore(Instant.parse(before.expiresAt())));
    }
  }
}
