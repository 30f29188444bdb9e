package org.olist.marts.common.job;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.audit.JobRunAudit;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.lease.WarehouseLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A layer's job. {@link #run} is what tests and {@link JobMain} call: it never stops the session, and it
 * records every table written (or the failure) in {@code audit/job_runs} before returning or rethrowing.
 */
public abstract class OlistJob {
  private static final Logger LOG = LoggerFactory.getLogger(OlistJob.class);

  /** Short name used in logs, audit rows and the orchestrator ({@code staging}, {@code marts}, ...). */
  public abstract String name();

  protected abstract void execute(JobContext context);

  /** Whether this job's runs are recorded in {@code audit/job_runs}. */
  protected boolean audited() {
    return true;
  }

  /** Whether this job writes the warehouse, and so must hold its lease (SPEC §10: one writer at a time). */
  protected boolean writesWarehouse() {
    return audited();
  }

  /**
   * Runs the job and records it. A failure names its cause first (SPEC §10): when the audit write fails too
   * (an unwritable warehouse fails both), that second failure is attached to the first, never thrown instead
   * of it; when only the audit write fails, that is the failure.
   */
  public final List<TableResult> run(SparkSession spark, OlistConfig config) {
    WarehouseLease lease = writesWarehouse() && config.leaseEnabled()
        ? WarehouseLease.acquire(config.warehouse(), spark.sparkContext().hadoopConfiguration(), config.runId(),
            name(), config.leaseTerms(), Clock.systemUTC())
        : null;
    JobContext context = new JobContext(spark, config, name(), lease, getClass());
    Instant start = Instant.now();
    Throwable failure = null;
    try {
      execute(context);
      return context.results();
    } catch (Throwable e) {
      // Throwable: Delta's Scala code throws undeclared checked IOExceptions too
      failure = e;
      context.recordFailure(start, e);
      throw e;
    } finally {
      context.release();
      if (audited()) {
        try {
          JobRunAudit.append(spark, context.warehouse(), context.runs());
        } catch (Exception auditFailure) {
          if (failure == null) {
            throw new OlistException("Cannot record the run of job " + name() + " in audit/" + JobRunAudit.TABLE
                + ": " + OlistException.rootCause(auditFailure), auditFailure);
          }
          failure.addSuppressed(auditFailure);
          LOG.warn("The failed run of job {} could not be recorded in audit/{} either: {}", name(),
              JobRunAudit.TABLE, OlistException.rootCause(auditFailure));
        }
      }
      if (lease != null) {
        lease.close(config.leaseRelease());
      }
    }
  }
}
