package org.olist.marts.jobs.status;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.olist.marts.common.audit.Details;
import org.olist.marts.common.audit.JobRunAudit;
import org.olist.marts.common.catalog.Severity;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.delta.TableMaintenance;
import org.olist.marts.common.delta.WriteRequest;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.JobMain;
import org.olist.marts.common.job.OlistJob;
import org.olist.marts.common.job.Phases;
import org.olist.marts.jobs.orderlines.Columns;
import org.olist.marts.jobs.warehouse.AuditDetail;
import org.olist.marts.jobs.warehouse.PipelineJobs;
import org.olist.marts.jobs.warehouse.Tables;
import org.olist.marts.jobs.warehouse.TestStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code meta_project_status} (SPEC §6), the two clocks: {@code pipeline_last_run_at} moves only when the run
 * contained every job of the default pipeline ({@link PipelineJobs#DEFAULT}) and every job and every error-severity
 * test of it passed; {@code last_attempt_*} always move ({@link #PARTIAL} for a run of some jobs only);
 * {@code data_valid_through} is the business clock (max fact order date). Each run also computes the mart's SLIs from
 * the audit trail ({@code audit/sli}, {@link ServiceLevels}), checks them against the SLO targets, and exports them
 * for Prometheus ({@link SliMetrics}).
 */
public final class StatusJob extends OlistJob {
  public static final String NAME = PipelineJobs.STATUS;
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  /** A run of some jobs only: its attempt is recorded, the engineering clock stays (SPEC §6). */
  public static final String PARTIAL = "partial";
  /** What the status job's SLO line starts with; the orchestrator repeats it in the run's summary line. */
  public static final String SLO_LINE = "SLO:";
  private static final Logger LOG = LoggerFactory.getLogger(StatusJob.class);
  static final List<String> COUNTED = List.of(Tables.FCT_ORDER_ITEMS, Tables.DIM_CUSTOMERS,
      Tables.DIM_PRODUCTS, Tables.DIM_SELLERS, Tables.DIM_DATE, Tables.RLS_USERS, Tables.RLS_BRIDGE);

  public static void main(String[] args) {
    JobMain.main(new StatusJob(), args);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected void execute(JobContext ctx) {
    Phases phases = new Phases(ctx.spark().sparkContext(), NAME);
    Instant now = Instant.now();
    try {
      phases.start("attempt");
      List<AttemptPart> history = DeltaTables.exists(ctx.spark(), ctx.path(JobRunAudit.TABLE))
          ? AttemptPart.of(JobRunAudit.read(ctx.spark(), ctx.warehouse())) : List.of();
      Optional<TestCounts> tests = ctx.exists(Tables.TEST_RESULTS)
          ? Optional.of(TestCounts.of(ctx.read(Tables.TEST_RESULTS).filter(col("run_id").equalTo(ctx.runId()))))
          : Optional.empty();
      Attempt attempt = Attempt.of(ctx.runId(), ctx.config(), history, tests);
      phases.start("clocks");
      Clocks clocks = clocks(ctx, attempt, now);
      phases.start("service_levels");
      ServiceLevels sli = ServiceLevels.compute(new ServiceLevels.RunFacts(ctx.runId(), now, clocks.lastSuccess(),
          clocks.validThrough(), tests.map(TestCounts::tally).orElse(ServiceLevels.TestTally.NONE),
          ctx.config().failedJob().isBlank() ? Optional.empty() : Optional.of(ctx.config().failedJob()),
          tableBytes(ctx), previousTableBytes(ctx)), history, ctx.config().slo());
      phases.start("write");
      writeStatus(ctx, attempt, clocks, tests, sli, now);
      TableModel sliModel = ctx.table(Tables.SLI);
      ctx.write(WriteRequest.append(sliModel, ctx.path(Tables.SLI),
          ctx.spark().createDataFrame(List.of(sli.toRow(sliModel)), sliModel.schema())));
      phases.start("export");
      export(ctx, sli);
    } finally {
      phases.stop();
    }
  }

  /**
   * What this run's attempt was: failed (a job failed, or an error test), partial (some jobs of the default
   * pipeline were not run or left no audit row), or succeeded.
   */
  record Attempt(String status, List<String> failures, List<String> notRun) {
    static Attempt of(String runId, OlistConfig config, List<AttemptPart> history, Optional<TestCounts> tests) {
      List<String> failures = new ArrayList<>();
      Optional.of(config.failedJob()).filter(j -> !j.isBlank()).ifPresent(j -> failures.add("job " + j + " failed"));
      history.stream().filter(p -> p.runId().equals(runId) && p.failed()).map(p -> "job " + p.job() + " failed")
          .distinct().filter(f -> !failures.contains(f)).forEach(failures::add);
      tests.filter(t -> t.failed() > 0).ifPresent(t -> failures.add(t.failed() + " error-severity data tests failed"));
      List<String> notRun = StatusJob.notRun(config.runJobs(), history, runId);
      String status = !failures.isEmpty() ? FAILED : notRun.isEmpty() ? SUCCEEDED : PARTIAL;
      return new Attempt(status, List.copyOf(failures), notRun);
    }

    Optional<String> failure() {
      return failures.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", failures));
    }
  }

  /** The two clocks after this run: the engineering clock moves only for a run that succeeded whole. */
  record Clocks(Optional<Instant> lastSuccess, Optional<LocalDate> validThrough) {
  }

  private static Clocks clocks(JobContext ctx, Attempt attempt, Instant now) {
    Optional<Instant> previousSuccess = ctx.exists(Tables.PROJECT_STATUS)
        ? Optional.ofNullable(ctx.read(Tables.PROJECT_STATUS).first().<Timestamp>getAs("pipeline_last_run_at"))
            .map(Timestamp::toInstant)
        : Optional.empty();
    Optional<LocalDate> validThrough = Optional.empty();
    if (ctx.exists(Tables.FCT_ORDER_ITEMS)) {
      Row r = ctx.read(Tables.FCT_ORDER_ITEMS).agg(max(col(Columns.ORDER_DATE))).first();
      validThrough = r.isNullAt(0) ? Optional.empty() : Optional.of(r.getDate(0).toLocalDate());
    }
    if (attempt.status().equals(PARTIAL)) {
      LOG.info("Run {} did not contain every job of the default pipeline (not run or not recorded: {}): its attempt is "
          + "recorded as {}, the engineering clock stays at {}", ctx.runId(), attempt.notRun(), PARTIAL,
          previousSuccess.map(Instant::toString).orElse("never"));
    }
    return new Clocks(attempt.status().equals(SUCCEEDED) ? Optional.of(now) : previousSuccess, validThrough);
  }

  private static void writeStatus(JobContext ctx, Attempt attempt, Clocks clocks, Optional<TestCounts> tests,
                                  ServiceLevels sli, Instant now) {
    TableModel model = ctx.table(Tables.PROJECT_STATUS);
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("pipeline_last_run_at", clocks.lastSuccess().map(Timestamp::from).orElse(null));
    values.put("data_valid_through", clocks.validThrough().map(Date::valueOf).orElse(null));
    values.put("freshness_lag_days", sli.freshnessLagDays().orElse(null));
    values.put("run_id", ctx.runId());
    values.put("last_attempt_at", Timestamp.from(now));
    values.put("last_attempt_status", attempt.status());
    values.put("last_attempt_failure", attempt.failure().orElse(null));
    for (String t : COUNTED) {
      values.put(t + "_rows", ctx.exists(t) ? ctx.read(t).count() : null);
    }
    values.put("tests_failed", tests.map(TestCounts::failed).orElse(null));
    values.put("tests_warned", tests.map(TestCounts::warned).orElse(null));
    values.put("slo_breaches", sli.sloBreaches().isEmpty() ? null
        : sli.sloBreaches().stream().map(SloBreach::words).collect(Collectors.joining("; ")));
    Object[] row = model.columns().stream().map(c -> values.get(c.name())).toArray();
    Dataset<Row> status = ctx.spark().createDataFrame(List.of(RowFactory.create(row)), model.schema());
    ctx.write(ctx.overwriteOf(Tables.PROJECT_STATUS, status)
        .withDetails(new StatusWrite(attempt.status(), sli.sloBreaches().size())));
  }

  /** The status row's audit details: the attempt's status and how many SLOs it breaches. */
  record StatusWrite(String lastAttemptStatus, int sloBreaches) implements Details {
    @Override
    public Map<String, String> asMap() {
      return Details.of(AuditDetail.LAST_ATTEMPT_STATUS, lastAttemptStatus, AuditDetail.SLO_BREACHES, sloBreaches);
    }
  }

  private static void export(JobContext ctx, ServiceLevels sli) {
    new SliMetrics(sli, ctx.config().slo()).export(ctx.config().metrics(), ctx.runId(),
        message -> LOG.warn("{} (the run's data is not affected)", message));
    if (sli.sloBreaches().isEmpty()) {
      LOG.info("{} every SLO met", SLO_LINE);
    } else {
      LOG.warn("{} {} SLO breached: {}", SLO_LINE, sli.sloBreaches().size(), sli.sloBreaches().stream()
          .map(SloBreach::words).collect(Collectors.joining("; ")));
    }
  }

  /**
   * The jobs of the default pipeline this run did not contain: not among the jobs the orchestrator says it ran
   * ({@code runJobs}), or, before this one, with no audit row of the run (a list set by hand proves nothing).
   */
  static List<String> notRun(List<String> runJobs, List<AttemptPart> history, String runId) {
    return PipelineJobs.DEFAULT.stream()
        .filter(j -> !runJobs.contains(j) || (!j.equals(NAME)
            && history.stream().noneMatch(p -> p.runId().equals(runId) && p.job().equals(j))))
        .toList();
  }

  /** Bytes on storage of every table of the warehouse, by {@code <layer>/<table>}. */
  private static Map<String, Long> tableBytes(JobContext ctx) {
    Configuration conf = ctx.spark().sparkContext().hadoopConfiguration();
    Map<String, Long> out = new TreeMap<>();
    for (String path : TableMaintenance.tablesUnder(conf, ctx.warehouse().root())) {
      out.put(ctx.name(path), TableMaintenance.onStorage(conf, path).bytes());
    }
    return out;
  }

  /** The table sizes of the latest SLI row: what growth is measured against. */
  private static Map<String, Long> previousTableBytes(JobContext ctx) {
    if (!ctx.exists(Tables.SLI)) {
      return Map.of();
    }
    List<Row> latest = ctx.read(Tables.SLI).orderBy(col("computed_at").desc()).select("table_bytes").limit(1)
        .collectAsList();
    return latest.isEmpty() ? Map.of() : latest.get(0).<String, Long>getJavaMap(0);
  }

  /** This run's data test results, counted in one pass. */
  record TestCounts(int failed, int warned, ServiceLevels.TestTally tally) {
    static TestCounts of(Dataset<Row> results) {
      int failed = 0;
      int warned = 0;
      int errorTests = 0;
      int errorPassed = 0;
      long failingRows = 0;
      for (Row r : results.groupBy("severity", "status").agg(count(lit(1)).as("n"), sum("failures").as("rows"))
          .collectAsList()) {
        int n = (int) r.getLong(2);
        TestStatus status = TestStatus.of(r.getString(1));
        failingRows += r.isNullAt(3) ? 0 : r.getLong(3);
        failed += status == TestStatus.FAIL ? n : 0;
        warned += status == TestStatus.WARN ? n : 0;
        if (Severity.ERROR.word().equals(r.getString(0)) && (status == TestStatus.PASS || status == TestStatus.FAIL)) {
          errorTests += n;
          errorPassed += status == TestStatus.PASS ? n : 0;
        }
      }
      return new TestCounts(failed, warned, new ServiceLevels.TestTally(errorTests, errorPassed, failingRows));
    }
  }
}
