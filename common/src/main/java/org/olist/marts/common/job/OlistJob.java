package org.olist.marts.common.job;

import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.olist.marts.common.audit.JobRunAudit;
import org.olist.marts.common.config.OlistConfig;

/**
 * A layer's job. {@link #run} is what tests and {@link JobMain} call: it never stops the session, and it
 * records every table written (or the failure) in {@code audit/job_runs} before returning or rethrowing.
 */
public abstract class OlistJob {

  /** Short name used in logs, audit rows and the orchestrator ({@code staging}, {@code marts}, ...). */
  public abstract String name();

  protected abstract void execute(JobContext context);

  /** Whether this job's runs are recorded in {@code audit/job_runs}. */
  protected boolean audited() {
    return true;
  }

  public final List<TableResult> run(SparkSession spark, OlistConfig config) {
    JobContext context = new JobContext(spark, config, name());
    Instant start = Instant.now();
    try {
      execute(context);
      return context.results();
    } catch (RuntimeException | Error e) {
      context.recordFailure(start, e);
      throw e;
    } finally {
      if (audited()) {
        JobRunAudit.append(spark, context.warehouse(), context.runs());
      }
    }
  }
}
