package org.olist.marts.common.lease;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JacksonException;
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
 * One writer at a time on a warehouse (SPEC §10): a lease file at {@code <warehouse>/_lease.json} naming the run
 * that holds it. A job acquires it before writing, renews it while it runs (every third of the time to live) and
 * releases it when it ends, unless the orchestrator keeps it for the run's next job. A holder that dies stops
 * renewing, so its lease lapses after the time to live, and at once when its process is seen dead on the same host.
 * Works on any Hadoop file system (local, s3a, hdfs): a writer writes its lease, waits, and reads it back; whoever
 * reads back another token lost the race. An object store gives no atomic create here, so two runs started within
 * that wait of each other are settled by the read-back, and a lease lost later is noticed at the next renewal: the
 * loser's writes are then refused.
 */
public final class WarehouseLease implements AutoCloseable {
  public static final String FILE = "_lease.json";
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

  private WarehouseLease(Configuration conf, String file, Duration ttl, Clock clock, Lease held) {
    this.conf = conf;
    this.file = file;
    this.ttl = ttl;
    this.clock = clock;
    this.localHost = host();
    this.held = held;
  }

  /** Settings of {@link #acquire}: time to live, the read-back wait, and the process that keeps the lease. */
  public record Terms(Duration ttl, Duration verifyWait, long holderPid) {
  }

  /**
   * Takes the warehouse's lease for {@code runId}, or fails naming the run that holds it. A run takes over its
   * own lease (its previous job's). Renewed in the background until {@link #close}.
   */
  public static WarehouseLease acquire(String warehouse, Configuration conf, String runId, String job, Terms terms,
                                       Clock clock) {
    String file = new Path(warehouse, FILE).toString();
    try {
      WarehouseLease lease = new WarehouseLease(conf, file, terms.ttl(), clock, null);
      lease.take(runId, job, terms);
      lease.startRenewing();
      return lease;
    } catch (IOException e) {
      throw new OlistException("Cannot take the lease of warehouse " + warehouse + " (" + file + "): "
          + e.getMessage(), e);
    }
  }

  private void take(String runId, String job, Terms terms) throws IOException {
    Instant now = clock.instant();
    Optional<Lease> current = read();
    if (current.isPresent() && !current.get().runId().equals(runId) && current.get().bindsAt(now, localHost)) {
      throw refused(runId, job, current.get());
    }
    current.filter(c -> !c.runId().equals(runId))
        .ifPresent(c -> LOG.warn("Taking over the lapsed warehouse lease of {}", c.describe()));
    long pid = terms.holderPid() > 0 ? terms.holderPid() : ProcessHandle.current().pid();
    Instant since = current.filter(c -> c.runId().equals(runId)).map(c -> Instant.parse(c.acquiredAt())).orElse(now);
    Lease mine = Lease.of(runId, job, localHost, pid, since, now, now.plus(ttl), UUID.randomUUID().toString());
    write(mine);
    if (current.filter(c -> c.runId().equals(runId) && c.bindsAt(now, localHost)).isEmpty()) {
      // a free or lapsed lease may be taken by two runs at once: the later write wins, the read back tells
      // (a run's own valid lease, its previous job's, binds every other run, so no one else writes it)
      sleep(terms.verifyWait());
    }
    Optional<Lease> back = read();
    if (back.isEmpty() || !back.get().token().equals(mine.token())) {
      throw back.map(other -> refused(runId, job, other)).orElseGet(() -> new OlistException("Cannot start job "
          + job + " of run " + runId + ": its warehouse lease " + file + " vanished right after it was written"));
    }
    held = mine;
    LOG.info("Warehouse lease taken by run {} (job {}), valid until {} unless renewed", runId, job, mine.expiresAt());
  }

  private OlistException refused(String runId, String job, Lease other) {
    return new OlistException("Cannot start job " + job + " of run " + runId + ": the warehouse is held by "
        + other.describe() + ". Another pipeline is writing it; wait until it ends (a holder that died releases it "
        + "when its lease lapses, at once on its own host), or delete " + file + " if you know it is gone.");
  }

  private void startRenewing() {
    renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "olist-lease-renewer");
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(1, ttl.toMillis() / 3);
    renewer.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
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

  private void write(Lease lease) throws IOException {
    SideFiles.write(file, JSON.writeValueAsString(lease), conf);
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
