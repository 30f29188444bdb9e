package org.olist.marts.jobs.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.olist.marts.common.audit.JobRun;
import org.olist.marts.common.audit.PublishedVersions;
import org.olist.marts.common.catalog.ModelCatalog;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.jobs.testing.Frames;
import org.olist.marts.jobs.testing.TestSpark;
import org.olist.marts.jobs.warehouse.AuditDetail;
import org.olist.marts.jobs.warehouse.LoadMode;
import org.olist.marts.jobs.warehouse.Tables;

/** The SLIs from a hand-built audit history: four runs, a failed job, a job killed before it recorded anything. */
class ServiceLevelsTest {
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  private static final OlistConfig.Slo SLO = new OlistConfig.Slo(Duration.ofHours(26), 0.99, 1.0, 2, 30);

  private static final List<JobRun> HISTORY = new ArrayList<>();

  private static void row(String run, String job, String table, long hoursAgo, long millis, String status,
                          Long in, Long out, Map<String, String> details) {
    Instant start = NOW.minus(Duration.ofHours(hoursAgo));
    Map<String, String> d = new HashMap<>(details);
    d.put(PublishedVersions.ATTEMPT, run + "-" + job);
    HISTORY.add(new JobRun(run, job, table, start, start.plusMillis(millis), status, in, out, 1L, null, d));
  }

  static {
    // 40 days ago: a backfill of the fact
    row("r0", "staging", "staging/stg_orders", 960, 1000, JobRun.SUCCEEDED, 100L, 100L, Map.of());
    row("r0", "marts", "marts/fct_order_items", 959, 7000, JobRun.SUCCEEDED, null, 50L,
        Map.of(AuditDetail.MODE.key(), LoadMode.BACKFILL.audit()));
    // two days ago: a clean run
    row("r1", "staging", "staging/stg_orders", 48, 1000, JobRun.SUCCEEDED, 100L, 100L, Map.of());
    row("r1", "marts", "marts/fct_order_items", 47, 5000, JobRun.SUCCEEDED, null, 50L,
        Map.of(AuditDetail.MODE.key(), LoadMode.FULL_REFRESH.audit()));
    // yesterday: the marts job failed
    row("r2", "staging", "staging/stg_orders", 24, 1000, JobRun.SUCCEEDED, 100L, 100L, Map.of());
    row("r2", "marts", null, 23, 2000, JobRun.FAILED, null, null, Map.of());
    // this run: staging writes two tables, marts merges; the rls job is killed before it records anything
    row("r3", "staging", "staging/stg_orders", 1, 1500, JobRun.SUCCEEDED, 200L, 190L, Map.of());
    row("r3", "staging", "quarantine/stg_orders", 1, 500, JobRun.SUCCEEDED, null, 10L, Map.of());
    // the marts job started 10 s before its write (reading, planning)
    row("r3", "marts", "marts/fct_order_items", 0, 3000, JobRun.SUCCEEDED, null, 60L,
        Map.of(AuditDetail.MODE.key(), LoadMode.MERGE_SNAPSHOT.audit(), JobRun.JOB_STARTED_AT,
            NOW.minusSeconds(10).toString()));
  }

  private static Object[] values(JobRun run) {
    Row row = run.toRow();
    Object[] values = new Object[row.size()];
    for (int i = 0; i < row.size(); i++) {
      values[i] = row.get(i);
    }
    return values;
  }

  private static ServiceLevels compute() {
    TableModel jobRuns = ModelCatalog.get().table("job_runs");
    Dataset<Row> audit = Frames.of(jobRuns.schema(), HISTORY.stream().map(ServiceLevelsTest::values)
        .toArray(Object[][]::new));
    ServiceLevels.RunFacts facts = new ServiceLevels.RunFacts("r3", NOW, Optional.of(NOW.minus(Duration.ofHours(30))),
        Optional.of(LocalDate.of(2026, 11, 27)), new ServiceLevels.TestTally(10, 9, 42), Optional.of("rls"),
        Map.of("marts/fct_order_items", 1000L, "staging/stg_orders", 500L), Map.of("marts/fct_order_items", 800L));
    return ServiceLevels.compute(facts, AttemptPart.of(audit), SLO);
  }

  @Test
  void theIndicatorsFollowFromTheAuditHistory() {
    ServiceLevels sli = compute();
    assertEquals(Optional.of(30L * 3600), sli.engineeringAgeSeconds());
    assertEquals(Optional.of(3), sli.freshnessLagDays());
    // the last two runs: r2 (staging ok, marts failed) and r3 (staging, marts ok; rls killed) -> 3 of 5
    assertEquals(2, sli.successWindowRuns());
    assertEquals(Optional.of(3 / 5.0), sli.successRateLastRuns());
    // 30 days: r1, r2, r3 (r0 is 40 days old) -> 5 of 7
    assertEquals(Optional.of(5 / 7.0), sli.successRateLastDays());
    assertEquals(Optional.of(0.9), sli.dataAccuracyRate());
    assertEquals(42, sli.failingRows());
    assertEquals(Map.of("staging", 200L, "quarantine", 0L, "marts", 0L), sli.rowsIn());
    assertEquals(Map.of("staging", 190L, "quarantine", 10L, "marts", 60L), sli.rowsOut());
    assertEquals(Map.of("staging", 1.5, "marts", 13.0, "rls", 0.0), sli.jobSeconds(),
        "from the job's start (else its first row's) to its last row's end");
    assertEquals(Optional.of(3.0), sli.factLoadSeconds());
    assertEquals(Optional.of(7.0), sli.lastBackfillSeconds(), "the latest backfill, whichever run");
    assertEquals(Map.of("marts/fct_order_items", 200L, "staging/stg_orders", 500L), sli.tableBytesGrowth());
  }

  @Test
  void eachMissedTargetIsOneBreachAndTheRowAndMetricsSayIt() {
    ServiceLevels sli = compute();
    assertEquals(List.of(SloBreach.Objective.ENGINEERING_CLOCK, SloBreach.Objective.JOB_SUCCESS_RATE,
        SloBreach.Objective.DATA_ACCURACY), sli.sloBreaches().stream().map(SloBreach::objective).toList());
    assertEquals(List.of("engineering clock: last fully successful run 30.0 h ago (SLO: under 26.0 h)",
        "job success rate 71.4 % over 30 days (SLO: at least 99.0 %)",
        "data accuracy 90.0 % of error tests passed (SLO: at least 100.0 %)"),
        sli.sloBreaches().stream().map(SloBreach::words).toList());

    TableModel model = ModelCatalog.get().table(Tables.SLI);
    Row row = TestSpark.spark().createDataFrame(List.of(sli.toRow(model)), model.schema()).first();
    assertEquals(3, row.getList(row.fieldIndex("slo_breaches")).size());
    assertEquals(200L, row.<String, Long>getJavaMap(row.fieldIndex("table_bytes_growth")).get("marts/fct_order_items"));

    String text = new SliMetrics(sli, SLO).text();
    for (String line : List.of("olist_marts_job_success_ratio{window=\"30d\"} 0.7142857142857143",
        "olist_marts_job_success_ratio{window=\"last_2_runs\"} 0.6",
        "olist_marts_slo_breached{slo=\"data_accuracy\"} 1.0",
        "olist_marts_engineering_age_seconds 108000.0",
        "olist_marts_table_storage_bytes{table=\"marts/fct_order_items\"} 1000.0",
        "olist_marts_layer_rows{direction=\"out\",layer=\"quarantine\"} 10.0",
        "# TYPE olist_marts_fact_load_duration_seconds gauge")) {
      assertTrue(text.contains(line), line + " in\n" + text);
    }
  }

  @Test
  void aHealthyRunBreachesNothing() {
    ServiceLevels.RunFacts facts = new ServiceLevels.RunFacts("r1", NOW, Optional.of(NOW), Optional.empty(),
        new ServiceLevels.TestTally(3, 3, 0), Optional.empty(), Map.of(), Map.of());
    JobRun ok = new JobRun("r1", "staging", "staging/stg_orders", NOW.minusSeconds(5), NOW, JobRun.SUCCEEDED, 1L, 1L,
        1L, null, Map.of());
    ServiceLevels sli = ServiceLevels.compute(facts,
        AttemptPart.of(Frames.of(ModelCatalog.get().table("job_runs").schema(), values(ok))), SLO);
    assertEquals(List.of(), sli.sloBreaches());
    assertEquals(Optional.of(1.0), sli.successRateLastDays());
  }
}
