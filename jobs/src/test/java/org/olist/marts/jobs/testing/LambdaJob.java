package org.olist.marts.jobs.testing;

import java.util.function.Consumer;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.OlistJob;

/** A job whose body is given as a lambda: the smallest jobs a test runs, without a class of their own each. */
public final class LambdaJob extends OlistJob {
  private final String name;
  private final boolean audited;
  private final Consumer<JobContext> body;

  private LambdaJob(String name, boolean audited, Consumer<JobContext> body) {
    this.name = name;
    this.audited = audited;
    this.body = body;
  }

  /** A job recorded in {@code audit/job_runs} that holds the warehouse lease, as every pipeline job. */
  public static LambdaJob of(String name, Consumer<JobContext> body) {
    return new LambdaJob(name, true, body);
  }

  /** A job that records nothing and takes no lease. */
  public static LambdaJob unaudited(String name, Consumer<JobContext> body) {
    return new LambdaJob(name, false, body);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  protected boolean audited() {
    return audited;
  }

  @Override
  protected void execute(JobContext ctx) {
    body.accept(ctx);
  }
}
