package org.olist.marts.common.lease;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.io.SideFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer at a time on a warehouse (SPEC §10): a lease file at {@code <warehouse>/_lease.json} naming the attempt
 * of a run that holds it and the process that writes. A job acquires it before writing, renews it while it runs
 * (every third of the time to live) and releases it when it ends, unless the orchestrator keeps it for the run's
 * next job (only the same attempt of the same run takes it over: a second run with the same run id is refused like
 * any other). On the holder's host the lease binds while the writing JVM or the orchestrator that started it lives;
 * elsewhere until it lapses unrenewed. A JVM whose orchestrator dies stops itself ({@link #watchKeeper}), and every
 * Delta commit reads the lease first ({@link CommitGuard}), so a process that lost its lease commits nothing more.
 * Works on any Hadoop file system (local, s3a, hdfs): a writer writes its lease, waits, and reads it back; whoever
 * reads back another token lost the race.
 */
public final class WarehouseLease implements AutoCloseable {
  public static final String FILE = "_lease.json";
  /**
   * The attempt of a run whose launcher named none: this process's (the jobs a local runner runs in one JVM share
   * it; another process, even with the same run id, is another attempt).
   */
  private static final String PROCESS_ATTEMPT = "pid-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID();
  /** The exit status of a JVM that stopped itself because its orchestrator died. */
  public static final int ORPHANED_EXIT = 3;
  private static final Logger LOG = LoggerFactory.getLogger(WarehouseLease.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Configuration conf;
  private final String file;
  private final Duration ttl;
  private final Clock clock;
  private final String localHost;
  private volatile Lease held;
  private volatile String lostTo;
  private ScheduledExecutorService renewer;
  private ProcessHandle keeper;

  private WarehouseLease(Configuration conf, String file, Duration ttl, Clock clock, Lease held) {
    this.conf = conf;
    this.file = file;
    this.ttl = ttl;
    this.clock = clock;
    this.localHost = host();
    this.held = held;
  }

  /**
   * Settings of {@link #acquire}: time to live, the read-back wait, the orchestrator that keeps the lease between
   * the run's jobs (0: none; honoured only when it started this JVM) and the run attempt (blank: this process's).
   */
  public record Terms(Duration ttl, Duration verifyWait, long keeperPid, String attempt) {
  }

  /**
   * Takes the warehouse's lease for {@code runId}, or fails naming the attempt that holds it. An attempt takes over
   * its own lease (its previous job's). Renewed in the background until {@link #close}; every Delta commit under
   * the warehouse checks it meanwhile ({@link CommitGuard}).
   */
  public static WarehouseLease acquire(String warehouse, Configuration conf, String runId, String job, Terms terms,
                                       Clock clock) {
    String file = new Path(warehouse, FILE).toString();
    try {
      WarehouseLease lease = new WarehouseLease(conf, file, terms.ttl(), clock, null);
      lease.take(runId, job, terms);
      lease.startRenewing();
      Path root = new Path(warehouse);
      CommitGuard.register(root.getFileSystem(conf).makeQualified(root).toUri().getPath(), lease);
      return lease;
    } catch (IOException e) {
      throw new OlistException("Cannot take the lease of warehouse " + warehouse + " (" + file + "): "
          + e.getMessage(), e);
    }
  }

  private void take(String runId, String job, Terms terms) throws IOException {
    Instant now = clock.instant();
    Optional<Lease> current = read();
    String attempt = terms.attempt().isBlank() ? PROCESS_ATTEMPT : terms.attempt();
    boolean ours = current.isPresent() && current.get().sameAttempt(runId, attempt);
    if (current.isPresent() && !ours && current.get().bindsAt(now, localHost)) {
      throw refused(runId, job, current.get());
    }
    current.filter(c -> !ours).ifPresent(c -> LOG.warn("Taking over the lapsed warehouse lease of {}", c.describe()));
    keeper = keeper(terms.keeperPid()).orElse(null);
    Instant since = ours ? Instant.parse(current.get().acquiredAt()) : now;
    Lease mine = Lease.of(runId, job, localHost, ProcessHandle.current().pid(), keeper == null ? 0 : keeper.pid(),
        attempt, since, now, now.plus(ttl), UUID.randomUUID().toString());
    write(mine);
    if (!ours || !current.get().bindsAt(now, localHost)) {
      // a free or lapsed lease may be taken by two runs at once: the later write wins, the read back tells
      // (an attempt's own valid lease, its previous job's, binds every other run, so no one else writes it)
      sleep(terms.verifyWait());
    }
    Optional<Lease> back = read();
    if (back.isEmpty() || !back.get().token().equals(mine.token())) {
      throw back.map(other -> refused(runId, job, other)).orElseGet(() -> new OlistException("Cannot start job "
          + job + " of run " + runId + ": its warehouse lease " + file + " vanished right after it was written"));
    }
    held = mine;
    LOG.info("Warehouse lease taken by run {} (job {}, pid {}, attempt {}), valid until {} unless renewed", runId, job,
        mine.pid(), attempt, mine.expiresAt());
  }

  /** The orchestrator {@code pid} when it started this JVM (its ancestor); else none (a driver on another host). */
  private static Optional<ProcessHandle> keeper(long pid) {
    if (pid <= 0) {
      return Optional.empty();
    }
    for (Optional<ProcessHandle> p = ProcessHandle.current().parent(); p.isPresent(); p = p.get().parent()) {
      if (p.get().pid() == pid) {
        return p;
      }
    }
    LOG.info("Process {} did not start this JVM (a driver on another host?): the lease binds by its time to live",
        pid);
    return Optional.empty();
  }

  private OlistException refused(String runId, String job, Lease other) {
    String same = other.runId().equals(runId) ? " That is another attempt of the same run id: a run id names one "
        + "attempt at a time, so give this run another --run-id or wait." : "";
    return new OlistException("Cannot start job " + job + " of run " + runId + ": the warehouse is held by "
        + other.describe() + "." + same + " Another pipeline is writing it; wait until it ends (a holder whose "
        + "processes died releases it when its lease lapses, at once on its own host), or delete " + file
        + " if you know it is gone.");
  }

  private void startRenewing() {
    renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "olist-lease-renewer");
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(1, ttl.toMillis() / 3);
    renewer.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
    if (keeper != null) {
      ProcessHandle watched = keeper;
      renewer.scheduleWithFixedDelay(() -> watchKeeper(watched, () -> Runtime.getRuntime().halt(ORPHANED_EXIT)),
          1, 1, TimeUnit.SECONDS);
    }
  }

  /**
   * When the orchestrator that started this JVM has died, the run is abandoned: the lease is marked lost (no commit
   * passes {@link #verifyHeld} any more) and {@code stop} ends the process as a {@code kill -9} would (a Delta commit
   * is atomic; KillRecoveryIT holds the warehouse recoverable). The lease file stays: it binds while this process
   * lives, however long its exit takes, and frees the warehouse at once when it is gone.
   */
  void watchKeeper(ProcessHandle watched, Runnable stop) {
    if (Processes.alive(watched.pid())) {
      return;
    }
    Lease mine = held;
    lostTo = "no one: the orchestrator (pid " + watched.pid() + ") that started this run died";
    LOG.error("The orchestrator (pid {}) of run {} died: stopping this process (exit {}) so that nothing of the "
        + "abandoned run commits", watched.pid(), mine == null ? "?" : mine.runId(), ORPHANED_EXIT);
    stop.run();
  }

  /**
   * Fails unless the lease file still names this acquisition, read now: called right before a Delta commit
   * ({@link CommitGuard}), so a process that lost its lease, even since the last renewal, commits nothing more.
   */
  void verifyHeld(String commit) throws IOException {
    Lease mine = held;
    if (lostTo == null && mine != null) {
      Optional<Lease> current = read();
      if (current.isEmpty() || !current.get().token().equals(mine.token())) {
        lostTo = current.map(Lease::describe).orElse("no one (the lease file " + file + " is gone)");
      }
    }
    if (lostTo != null) {
      throw new IOException("Cannot commit " + commit + ": this run lost the warehouse lease to " + lostTo
          + "; another pipeline may be writing the warehouse");
    }
  }

  /** Extends the lease, or notes that another run took it (the next write is then refused). */
  void renew() {
    Lease mine = held;
    if (mine == null || lostTo != null) {
      return;
    }
    try {
      Optional<Lease> current = read();
      if (current.isPresent() && !current.get().token().equals(mine.token())) {
        lostTo = current.get().describe();
        LOG.error("The warehouse lease of run {} was taken by {}: this run's next write is refused", mine.runId(),
            lostTo);
        return;
      }
      Lease renewed = mine.renewed(clock.instant(), ttl);
      write(renewed);
      held = renewed;
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot renew the warehouse lease {} (will try again): {}", file, e.toString());
    }
  }

  /** Fails when this run no longer holds the lease: a write now would interleave with another run's. */
  public void check() {
    if (lostTo != null) {
      throw new OlistException("Cannot write: this run lost the warehouse lease to " + lostTo
          + "; another pipeline is writing the warehouse");
    }
  }

  /**
   * Stops renewing; {@code release} deletes the lease (the run's last job, or a job run on its own), otherwise it
   * is left valid for one time to live so the run's next job takes it over.
   */
  public void close(boolean release) {
    if (renewer != null) {
      renewer.shutdownNow();
    }
    CommitGuard.unregister(this);
    Lease mine = held;
    if (mine == null || lostTo != null) {
      return;
    }
    try {
      Optional<Lease> current = read();
      if (current.isEmpty() || !current.get().token().equals(mine.token())) {
        return;
      }
      if (release) {
        SideFiles.delete(file, conf);
        LOG.info("Warehouse lease of run {} released", mine.runId());
      } else {
        write(mine.renewed(clock.instant(), ttl));
      }
    } catch (IOException e) {
      LOG.warn("Cannot {} the warehouse lease {}: {} (it lapses by itself)", release ? "release" : "extend", file,
          e.toString());
    } finally {
      held = null;
    }
  }

  @Override
  public void close() {
    close(true);
  }

  /** The lease as stored now; empty when the warehouse is free. */
  public static Optional<Lease> current(String warehouse, Configuration conf) {
    String file = new Path(warehouse, FILE).toString();
    try {
      return new WarehouseLease(conf, file, Duration.ZERO, Clock.systemUTC(), null).read();
    } catch (IOException e) {
      throw new OlistException("Cannot read the lease of warehouse " + warehouse + ": " + e.getMessage(), e);
    }
  }

  private Optional<Lease> read() throws IOException {
    Optional<String> json = SideFiles.read(file, conf);
    try {
      return json.isEmpty() ? Optional.empty() : Optional.of(JSON.readValue(json.get(), Lease.class));
    } catch (JacksonException e) {
      LOG.warn("Ignoring an unreadable warehouse lease {}: {}", file, e.getOriginalMessage());
      return Optional.empty();
    }
  }

  /** In one step: a holder's renewal read half written by another run would read as a free warehouse. */
  private void write(Lease lease) throws IOException {
    SideFiles.replace(file, JSON.writeValueAsString(lease), conf);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OlistException("Cannot take the warehouse lease: interrupted", e);
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
