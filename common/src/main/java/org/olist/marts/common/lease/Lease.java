package org.olist.marts.common.lease;

import java.time.Duration;
import java.time.Instant;

/**
 * Who holds a warehouse (SPEC §10): one attempt of a run, in the process that writes.
 *
 * @param pid the process that writes (the job's JVM)
 * @param keeperPid the orchestrator that started that JVM and keeps the lease between the run's jobs (each job's
 *     JVM takes it over); 0 when none: the lease binds while either process lives on the holder's host
 * @param attempt random per run attempt: only the same attempt takes the lease over, so a second run started with
 *     the same run id is refused like any other
 * @param token random per acquisition: whoever reads back another token lost a race for the lease
 */
public record Lease(String runId, String job, String host, long pid, long keeperPid, String attempt,
                    String acquiredAt, String renewedAt, String expiresAt, String token) {
  /** A lease with its times as ISO-8601 UTC (readable in the file, no Jackson time module needed). */
  public static Lease of(String runId, String job, String host, long pid, long keeperPid, String attempt,
                         Instant acquiredAt, Instant renewedAt, Instant expiresAt, String token) {
    return new Lease(runId, job, host, pid, keeperPid, attempt, acquiredAt.toString(), renewedAt.toString(),
        expiresAt.toString(), token);
  }

  /** The same lease renewed at {@code now} for {@code ttl}. */
  public Lease renewed(Instant now, Duration ttl) {
    return of(runId, job, host, pid, keeperPid, attempt, Instant.parse(acquiredAt), now, now.plus(ttl), token);
  }

  /** Whether this lease still binds others at {@code now}, seen from {@code host}. */
  public boolean bindsAt(Instant now, String localHost) {
    if (!now.isBefore(Instant.parse(expiresAt))) {
      return false;
    }
    // on the holder's own host a holder whose writer and keeper are both dead is seen at once; elsewhere the lease
    // lapses when not renewed
    return !host.equals(localHost) || alive(pid) || (keeperPid > 0 && alive(keeperPid));
  }

  /** Whether this lease belongs to {@code attempt} of {@code runId}. */
  public boolean sameAttempt(String otherRunId, String otherAttempt) {
    return runId.equals(otherRunId) && attempt != null && attempt.equals(otherAttempt);
  }

  private static boolean alive(long pid) {
    return Processes.alive(pid);
  }

  public String describe() {
    return "run " + runId + " (job " + job + ", host " + host + ", pid " + pid
        + (keeperPid > 0 ? ", started by pid " + keeperPid : "") + ", attempt " + attempt + ", since " + acquiredAt
        + ", valid until " + expiresAt + " unless renewed)";
  }
}
