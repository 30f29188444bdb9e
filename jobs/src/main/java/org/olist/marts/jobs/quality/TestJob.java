package org.olist.marts.jobs.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.audit.Details;
import org.olist.marts.common.catalog.DataTestModel;
import org.olist.marts.common.catalog.Layer;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.common.config.IncrementalMode;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.delta.WriteRequest;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.JobMain;
import org.olist.marts.common.job.OlistJob;
import org.olist.marts.common.job.Parallel;
import org.olist.marts.jobs.warehouse.AuditDetail;
import org.olist.marts.jobs.warehouse.PipelineJobs;
import org.olist.marts.jobs.warehouse.Tables;
import org.olist.marts.jobs.warehouse.TestStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The test job (SPEC §7): runs every data test the catalog declares, stores a sample of failing rows under
 * {@code audit/test_failures/<test>}, one row per test in {@code audit/test_results}, and a dbt-like
 * {@code run_results.json}. An error-severity failure fails the job (after everything is recorded); a
 * warn-severity one is reported. Tests whose tables are not built yet are skipped, saying so.
 */
public final class TestJob extends OlistJob {
  public static final String NAME = PipelineJobs.TEST;
  public static final String FAILURES_DIR = "test_failures";
  public static final int FAILURE_SAMPLE = 100;

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private static final Logger LOG = LoggerFactory.getLogger(TestJob.class);

  public static void main(String[] args) {
    JobMain.main(new TestJob(), args);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The outcome of one test. */
  public record Result(DataTestModel test, TestStatus status, long failures, String message, Instant start,
                       long millis) {
    Row toRow(String runId) {
      return RowFactory.create(runId, test.name(), test.table(), test.type().word(), test.column(),
          test.severity().word(), status.value(),
          failures, message, Timestamp.from(start), millis);
    }
  }

  @Override
  protected void execute(JobContext ctx) {
    Map<String, Dataset<Row>> reads = new ConcurrentHashMap<>();
    Function<String, Dataset<Row>> tables = name -> reads.computeIfAbsent(name, ctx::read);
    List<Result> results = Parallel.map(ctx.config().testParallelism(), ctx.catalog().dataTests(),
        test -> run(ctx, test, tables));
    TableModel model = ctx.table(Tables.TEST_RESULTS);
    List<Row> rows = results.stream().map(r -> r.toRow(ctx.runId())).collect(Collectors.toList());
    ctx.write(WriteRequest.append(model, ctx.path(Tables.TEST_RESULTS),
        ctx.spark().createDataFrame(rows, model.schema()).coalesce(1)));
    writeRunResults(ctx, results);

    List<Result> failed = results.stream().filter(r -> r.status() == TestStatus.FAIL).toList();
    long warned = results.stream().filter(r -> r.status() == TestStatus.WARN).count();
    long skipped = results.stream().filter(r -> r.status() == TestStatus.SKIPPED).count();
    LOG.info("Data tests: {} run, {} passed, {} failed, {} warned, {} skipped", results.size(),
        results.stream().filter(r -> r.status() == TestStatus.PASS).count(), failed.size(), warned, skipped);
    if (!failed.isEmpty()) {
      throw new OlistException("Cannot pass the data tests: " + failed.size() + " error test"
          + (failed.size() == 1 ? "" : "s") + " failed: " + failed.stream()
          .map(r -> r.test().name() + " (" + r.failures() + " rows)").collect(Collectors.joining(", "))
          + "; failing rows are in " + ctx.warehouse().path(Layer.AUDIT, FAILURES_DIR) + "/<test>");
    }
  }

  /** A test's failing-rows table's audit row: which test the sample is of. */
  record FailingRows(String test) implements Details {
    @Override
    public Map<String, String> asMap() {
      return Details.of(AuditDetail.TEST, test);
    }
  }

  /** An append-mode run stages one batch: its reconciliation covers what the batch loaded (SPEC §4). */
  static DataTests.Scope scope(JobContext ctx) {
    return ctx.config().incrementalMode() == IncrementalMode.APPEND && !ctx.config().fullRefresh()
        ? DataTests.Scope.BATCH_KEYS : DataTests.Scope.WHOLE_FACT;
  }

  private Result run(JobContext ctx, DataTestModel test, Function<String, Dataset<Row>> tables) {
    Instant start = Instant.now();
    List<String> missing = new ArrayList<>();
    for (String t : test.reads()) {
      if (!ctx.exists(t)) {
        missing.add(t);
      }
    }
    if (!missing.isEmpty()) {
      String message = "not built yet: " + String.join(", ", missing);
      LOG.info("Test {} skipped: {}", test.name(), message);
      return new Result(test, TestStatus.SKIPPED, 0, message, start, 0);
    }
    Dataset<Row> failing = DataTests.failingRows(test, tables, ctx.catalog().stateCodes(), scope(ctx));
    long failures = failing.count();
    TestStatus status = failures == 0 ? TestStatus.PASS : test.isError() ? TestStatus.FAIL : TestStatus.WARN;
    String path = ctx.warehouse().path(Layer.AUDIT, FAILURES_DIR) + "/" + test.name();
    if (failures > 0 || DeltaTables.exists(ctx.spark(), path)) {
      Column[] all = Arrays.stream(failing.columns()).map(c -> col("`" + c + "`")).toArray(Column[]::new);
      Dataset<Row> sample = failing.limit(FAILURE_SAMPLE).select(lit(ctx.runId()).alias("run_id"),
          lit(test.name()).alias("test_name"), to_json(struct(all)).alias("failing_row"));
      ctx.write(WriteRequest.overwrite(ctx.table(Tables.TEST_FAILURE_ROWS), path, sample).withRowsIn(failures)
          .withDetails(new FailingRows(test.name())));
    }
    String message = failures == 0 ? null : failures + " failing rows: " + test.description();
    long millis = Duration.between(start, Instant.now()).toMillis();
    if (failures > 0) {
      LOG.warn("Test {} {}: {} failing rows ({})", test.name(), status, failures, test.description());
    }
    return new Result(test, status, failures, message, start, millis);
  }

  /** The dbt-like results file: run metadata and one entry per test. */
  private static void writeRunResults(JobContext ctx, List<Result> results) {
    Path file = Path.of(ctx.config().runResultsFile());
    Map<String, Object> doc = new LinkedHashMap<>();
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("generator", "olist-marts");
    metadata.put("run_id", ctx.runId());
    metadata.put("generated_at", Instant.now().toString());
    doc.put("metadata", metadata);
    List<Map<String, Object>> entries = new ArrayList<>();
    for (Result r : results) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("unique_id", "test.olist_marts." + r.test().name());
      e.put("status", r.status().value());
      e.put("failures", r.failures());
      e.put("execution_time", r.millis() / 1000.0);
      e.put("severity", r.test().severity().word());
      e.put("table", r.test().table());
      e.put("type", r.test().type().word());
      e.put("message", r.message());
      entries.add(e);
    }
    doc.put("results", entries);
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.writeString(file, JSON.writeValueAsString(doc), StandardCharsets.UTF_8);
      LOG.info("Wrote {} ({} tests)", file.toAbsolutePath(), results.size());
    } catch (IOException e) {
      throw new OlistException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
