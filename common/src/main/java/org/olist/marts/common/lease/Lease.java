package org.olist.marts.common.lease;

import java.time.Duration;
import java.time.Instant;

/**
 * Who holds a warehouse: the run, the job that last renewed it, the process that keeps it (the orchestrator's for
 * a pipeline run, so the lease spans all its jobs), and until when it is valid without renewal.
 *
 * @param token random per acquisition: whoever reads back another token lost a race for the lease
 */
public record Lease(String runId, String job, String host, long pid, String acquiredAt, String renewedAt,
                    String expiresAt, String token) {
  /** A lease with its times as ISO-8601 UTC (readable in the file, no Jackson time module needed). */
  public static Lease of(String runId, String job, String host, long pid, Instant acquiredAt, Instant renewedAt,
                         Instant expiresAt, String token) {
    return new Lease(runId, job, host, pid, acquiredAt.toString(), renewedAt.toString(), expiresAt.toString(), token);
  }

  /** The same lease renewed at {@code now} for {@code ttl}. */
  public Lease renewed(Instant now, Duration ttl) {
    return of(runId, job, host, pid, Instant.parse(acquiredAt), now, now.plus(ttl), token);
  }

  /** Whether this lease still binds others at {@code now}, seen from {@code host}. */
  public boolean bindsAt(Instant now, String localHost) {
    if (!now.isBefore(Instant.parse(expiresAt))) {
      return false;
    }
    // on the holder's own host a dead holder is seen at once; elsewhere the lease lapses when not renewed
    return !host.equals(localHost) || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  public String describe() {
    return "run " + runId + " (job " + job + ", host " + host + ", pid " + pid + ", since " + acquiredAt
        + ", valid until " + expiresAt + " unless renewed)";
  }
}
