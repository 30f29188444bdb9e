package org.olist.marts.jobs.status;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.olist.marts.common.audit.JobRun;
import org.olist.marts.common.audit.JobRunAudit;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.JobMain;
import org.olist.marts.common.job.OlistJob;
import org.olist.marts.jobs.marts.MartsJob;
import org.olist.marts.jobs.orderlines.Columns;
import org.olist.marts.jobs.quality.TestJob;
import org.olist.marts.jobs.quality.TestStatus;
import org.olist.marts.jobs.rls.RlsJob;

/**
 * {@code meta_project_status} (SPEC §6), the two clocks: {@code pipeline_last_run_at} moves only when every job
 * and every error-severity test of the run passed; {@code last_attempt_*} always move;
 * {@code data_valid_through} is the business clock (max fact order date).
 */
public final class StatusJob extends OlistJob {
  public static final String NAME = "status";
  public static final String TABLE = "meta_project_status";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  static final List<String> COUNTED = List.of(MartsJob.FCT_ORDER_ITEMS, MartsJob.DIM_CUSTOMERS,
      MartsJob.DIM_PRODUCTS, MartsJob.DIM_SELLERS, MartsJob.DIM_DATE, RlsJob.USERS_TABLE, RlsJob.BRIDGE_TABLE);

  public static void main(String[] args) {
    JobMain.main(new StatusJob(), args);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected void execute(JobContext ctx) {
    TableModel model = ctx.table(TABLE);
    String runId = ctx.runId();
    List<String> failures = new ArrayList<>();
    if (!ctx.config().failedJob().isBlank()) {
      failures.add("job " + ctx.config().failedJob() + " failed");
    }
    String auditPath = ctx.path(JobRunAudit.TABLE);
    if (DeltaTables.exists(ctx.spark(), auditPath)) {
      for (Row r : JobRunAudit.read(ctx.spark(), ctx.warehouse())
          .filter(col("run_id").equalTo(runId).and(col("status").equalTo(JobRun.FAILED)))
          .select("job").distinct().collectAsList()) {
        String f = "job " + r.getString(0) + " failed";
        if (!failures.contains(f)) {
          failures.add(f);
        }
      }
    }
    Integer testsFailed = null;
    Integer testsWarned = null;
    if (ctx.exists(TestJob.RESULTS_TABLE)) {
      Dataset<Row> results = ctx.read(TestJob.RESULTS_TABLE).filter(col("run_id").equalTo(runId));
      testsFailed = (int) results.filter(col("status").equalTo(TestStatus.FAIL.value())).count();
      testsWarned = (int) results.filter(col("status").equalTo(TestStatus.WARN.value())).count();
      if (testsFailed > 0) {
        failures.add(testsFailed + " error-severity data tests failed");
      }
    }
    Instant now = Instant.now();
    boolean succeeded = failures.isEmpty();
    Timestamp previousSuccess = null;
    if (ctx.exists(TABLE)) {
      Row previous = ctx.read(TABLE).first();
      previousSuccess = previous.getAs("pipeline_last_run_at");
    }
    Date validThrough = null;
    if (ctx.exists(MartsJob.FCT_ORDER_ITEMS)) {
      Row r = ctx.read(MartsJob.FCT_ORDER_ITEMS).agg(max(col(Columns.ORDER_DATE))).first();
      validThrough = r.isNullAt(0) ? null : r.getDate(0);
    }
    Integer lag = validThrough == null ? null
        : (int) ChronoUnit.DAYS.between(validThrough.toLocalDate(), LocalDate.ofInstant(now, ZoneOffset.UTC));
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("pipeline_last_run_at", succeeded ? Timestamp.from(now) : previousSuccess);
    values.put("data_valid_through", validThrough);
    values.put("freshness_lag_days", lag);
    values.put("run_id", runId);
    values.put("last_attempt_at", Timestamp.from(now));
    values.put("last_attempt_status", succeeded ? SUCCEEDED : FAILED);
    values.put("last_attempt_failure", succeeded ? null : String.join("; ", failures));
    for (String t : COUNTED) {
      values.put(t + "_rows", ctx.exists(t) ? ctx.read(t).count() : null);
    }
    values.put("tests_failed", testsFailed);
    values.put("tests_warned", testsWarned);
    Object[] row = model.columns().stream().map(c -> values.get(c.name())).toArray();
    Dataset<Row> status = ctx.spark().createDataFrame(List.of(RowFactory.create(row)), model.schema());
    ctx.publish(TABLE, status, null, Map.of("last_attempt_status", succeeded ? SUCCEEDED : FAILED));
  }
}
