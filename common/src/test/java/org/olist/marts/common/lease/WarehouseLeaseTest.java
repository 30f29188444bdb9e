package org.olist.marts.common.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.OlistException;

/** One writer at a time (SPEC §10): the warehouse lease on a local file system. */
class WarehouseLeaseTest {
  private static final Configuration CONF = new Configuration();
  private static final WarehouseLease.Terms TERMS = new WarehouseLease.Terms(Duration.ofMinutes(2), Duration.ZERO, 0,
      "attempt-1");

  @TempDir
  Path warehouse;

  /** Each run id's first attempt. */
  private WarehouseLease take(String runId, Clock clock) {
    return take(runId, runId + "/attempt-1", clock);
  }

  private WarehouseLease take(String runId, String attempt, Clock clock) {
    return WarehouseLease.acquire(warehouse.toString(), CONF, runId, "staging",
        new WarehouseLease.Terms(Duration.ofMinutes(2), Duration.ZERO, 0, attempt), clock);
  }

  private void plant(Lease lease) throws IOException {
    Files.writeString(warehouse.resolve(WarehouseLease.FILE), new ObjectMapper().writeValueAsString(lease));
  }

  private static Lease held(String runId, String host, long pid, Instant now, Duration ttl) {
    return held(runId, host, pid, 0, now, ttl);
  }

  private static Lease held(String runId, String host, long pid, long keeperPid, Instant now, Duration ttl) {
    return Lease.of(runId, "marts", host, pid, keeperPid, runId + "/elsewhere", now, now, now.plus(ttl),
        UUID.randomUUID().toString());
  }

  /** A Hadoop path (java.nio's Path is this test's other path). */
  private static org.apache.hadoop.fs.Path commitPath(String path) {
    return new org.apache.hadoop.fs.Path(path);
  }

  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }

  private static String localHost() throws IOException {
    return InetAddress.getLocalHost().getHostName();
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
  void aSecondAttemptWithTheSameRunIdIsRefused() {
    try (WarehouseLease a = take("same1", "first", Clock.systemUTC())) {
      OlistException e = assertThrows(OlistException.class, () -> take("same1", "second", Clock.systemUTC()));
      assertTrue(e.getMessage().contains("held by run same1") && e.getMessage().contains("attempt first")
          && e.getMessage().contains("another attempt of the same run id"), e.getMessage());
      a.check();
    }
  }

  @Test
  void theLeaseNamesTheProcessThatWritesAndItsOrchestratorOnlyWhenThatStartedIt() throws Exception {
    long parent = ProcessHandle.current().parent().orElseThrow().pid();
    try (WarehouseLease a = WarehouseLease.acquire(warehouse.toString(), CONF, "run-a", "staging",
        new WarehouseLease.Terms(Duration.ofMinutes(2), Duration.ZERO, parent, "a1"), Clock.systemUTC())) {
      Lease stored = WarehouseLease.current(warehouse.toString(), CONF).orElseThrow();
      assertEquals(ProcessHandle.current().pid(), stored.pid(), "the JVM that writes");
      assertEquals(parent, stored.keeperPid(), "the process that started it");
      assertEquals("a1", stored.attempt());
    }
    try (WarehouseLease b = WarehouseLease.acquire(warehouse.toString(), CONF, "run-b", "staging",
        new WarehouseLease.Terms(Duration.ofMinutes(2), Duration.ZERO, deadPid(), "b1"), Clock.systemUTC())) {
      assertEquals(0, WarehouseLease.current(warehouse.toString(), CONF).orElseThrow().keeperPid(),
          "a pid that did not start this JVM is no keeper");
    }
  }

  @Test
  void aWriterThatOutlivesItsOrchestratorStillHoldsTheLease() throws Exception {
    Process writer = new ProcessBuilder("sleep", "60").start();
    try {
      plant(held("run-old", localHost(), writer.pid(), deadPid(), Instant.now(), Duration.ofHours(1)));
      OlistException e = assertThrows(OlistException.class, () -> take("run-new", Clock.systemUTC()));
      assertTrue(e.getMessage().contains("held by run run-old"), e.getMessage());
    } finally {
      writer.destroyForcibly().waitFor();
    }
    take("run-new", Clock.systemUTC()).close(true);
  }

  @Test
  void aLiveOrchestratorHoldsTheLeaseBetweenItsJobs() throws Exception {
    Process orchestrator = new ProcessBuilder("sleep", "60").start();
    try {
      plant(held("run-old", localHost(), deadPid(), orchestrator.pid(), Instant.now(), Duration.ofHours(1)));
      assertThrows(OlistException.class, () -> take("run-new", Clock.systemUTC()));
    } finally {
      orchestrator.destroyForcibly().waitFor();
    }
    take("run-new", Clock.systemUTC()).close(true);
  }

  @Test
  void aJvmWhoseOrchestratorDiedStopsCommitsNothingMoreAndHoldsTheLeaseUntilItIsGone() throws Exception {
    WarehouseLease a = take("run-a", Clock.systemUTC());
    Process orchestrator = new ProcessBuilder("true").start();
    orchestrator.waitFor();
    AtomicBoolean stopped = new AtomicBoolean();
    a.watchKeeper(orchestrator.toHandle(), () -> stopped.set(true));
    assertTrue(stopped.get(), "the process stops itself");
    IOException e = assertThrows(IOException.class, () -> CommitGuard.beforeCommit(
        commitPath(warehouse.resolve("marts/t/_delta_log/00000000000000000003.json").toString())));
    assertTrue(e.getMessage().contains("orchestrator"), e.getMessage());
    OlistException refused = assertThrows(OlistException.class, () -> take("run-b", Clock.systemUTC()),
        "while the stopping process lives (this JVM), its lease binds");
    assertTrue(refused.getMessage().contains("held by run run-a"), refused.getMessage());
    a.close(true);
  }

  @Test
  void aCommitUnderTheWarehouseReadsTheLeaseAtCommitTime() throws Exception {
    WarehouseLease a = take("run-a", Clock.systemUTC());
    org.apache.hadoop.fs.Path commit = commitPath("file:" + warehouse.resolve(
        "staging/stg_orders/_delta_log/00000000000000000001.json"));
    CommitGuard.beforeCommit(commit);
    plant(held("run-b", "another-host", 1, Instant.now(), Duration.ofMinutes(2)));
    IOException e = assertThrows(IOException.class, () -> CommitGuard.beforeCommit(commit),
        "lost since the last renewal: seen at the commit");
    assertTrue(e.getMessage().startsWith("Cannot commit " + commit + ": this run lost the warehouse lease to run "
        + "run-b"), e.getMessage());
    CommitGuard.beforeCommit(commitPath("file:/elsewhere/t/_delta_log/00000000000000000001.json"));
    a.close(true);
    CommitGuard.beforeCommit(commit);
  }

  /** A holder killed after its parent died stays a zombie where nobody reaps it: it is dead all the same. */
  @Test
  void aZombieHolderReleasesAtOnce() throws Exception {
    Process parent = new ProcessBuilder("bash", "-c", "sleep 0.1 & echo $!; exec sleep 30").start();
    try {
      long zombie = Long.parseLong(new BufferedReader(new InputStreamReader(parent.getInputStream(),
          StandardCharsets.UTF_8)).readLine().trim());
      Thread.sleep(500);
      assertTrue(ProcessHandle.of(zombie).map(ProcessHandle::isAlive).orElse(false),
          "the JVM counts the zombie as alive");
      assertFalse(Processes.alive(zombie), "the lease does not");
      plant(held("run-zombie", localHost(), zombie, Instant.now(), Duration.ofHours(1)));
      take("run-b", Clock.systemUTC()).close(true);
    } finally {
      parent.destroyForcibly().waitFor();
    }
  }

  @Test
  void aHolderThatDiedOnThisHostReleasesAtOnce() throws Exception {
    plant(held("run-dead", localHost(), deadPid(), Instant.now(), Duration.ofHours(1)));
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
