package org.olist.marts.common.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.olist.marts.jobs.testing.Frames.ts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.OlistJob;
import org.olist.marts.jobs.intermediate.IntermediateJob;
import org.olist.marts.jobs.staging.StagingJob;
import org.olist.marts.jobs.testing.Frames;
import org.olist.marts.jobs.testing.JobTest;
import org.olist.marts.jobs.testing.Pipeline;
import org.olist.marts.jobs.testing.SampleWarehouse;
import org.olist.marts.jobs.testing.TestSpark;
import org.olist.marts.jobs.warehouse.Tables;
import scala.jdk.javaapi.CollectionConverters;

/** SPEC §10: a layer is read at the versions its writer's last successful attempt published. */
@JobTest
class PublishedVersionsTest {
  private static final String DDL = "run_id string, job string, table_name string, ended_at timestamp, "
      + "status string, delta_version bigint, details map<string,string>";

  private static Object[] row(String run, String table, String at, String status, Long version, String attempt) {
    return new Object[] {run, "staging", table, ts(at), status, version,
        CollectionConverters.asScala(attempt == null ? Map.<String, String>of()
            : Map.of(PublishedVersions.ATTEMPT, attempt))};
  }

  private static List<String> latest(Dataset<Row> runs) {
    return PublishedVersions.latest(runs).orderBy("table_name").collectAsList().stream()
        .map(r -> r.getAs("table_name") + "@" + r.getAs("delta_version")).toList();
  }

  @Test
  void aFailedAttemptPublishesNothingEvenUnderAReusedRunId() {
    Dataset<Row> runs = Frames.of(DDL,
        row("r1", "staging/stg_orders", "2018-01-01 00:00:01", "succeeded", 1L, null),
        row("r1", "staging/stg_items", "2018-01-01 00:00:02", "succeeded", 1L, null),
        row("r2", "staging/stg_orders", "2018-01-02 00:00:01", "succeeded", 2L, "a2"),
        row("r2", null, "2018-01-02 00:00:05", "failed", null, "a2"),
        row("r2", "staging/stg_items", "2018-01-03 00:00:01", "succeeded", 2L, "a3"),
        row("r2", "staging/stg_dates", "2018-01-03 00:00:02", "skipped", null, "a3"));
    assertEquals(List.of("staging/stg_items@2", "staging/stg_orders@1"), latest(runs));
  }

  /** Replaces stg_orders with every order canceled, then fails: a staging run that dies half-way. */
  static final class HalfStaging extends OlistJob {
    @Override
    public String name() {
      return StagingJob.NAME;
    }

    @Override
    protected void execute(JobContext ctx) {
      ctx.publish("stg_orders", ctx.read("stg_orders").withColumn("order_status", functions.lit("canceled")));
      throw new OlistException("Cannot stage: the disk filled up (simulated)");
    }
  }

  @Test
  void theNextLayerReadsTheLastCompleteStagingRun(@TempDir Path dir) throws IOException {
    // the sample after a complete run of every job (built once per build, copied here)
    Path wh = SampleWarehouse.copyTo(dir.resolve("wh"));
    OlistConfig config = SampleWarehouse.config(wh, SampleWarehouse.RUN_ID, Map.of());
    List<Row> before = Pipeline.table(wh, "intermediate", Tables.ORDER_ITEMS_JOINED)
        .groupBy("order_status").count().orderBy("order_status").collectAsList();

    assertThrows(OlistException.class, () -> new HalfStaging().run(TestSpark.spark(), config));
    assertEquals(Pipeline.table(wh, "staging", Tables.STG_ORDERS).count(),
        Pipeline.table(wh, "staging", Tables.STG_ORDERS).filter("order_status = 'canceled'").count(),
        "the failed attempt did replace stg_orders");
    new IntermediateJob().run(TestSpark.spark(), config);
    assertEquals(before, Pipeline.table(wh, "intermediate", Tables.ORDER_ITEMS_JOINED)
        .groupBy("order_status").count().orderBy("order_status").collectAsList(),
        "intermediate read the staging versions of the last complete run, not the half-new layer");
    assertTrue(before.size() > 1);
  }
}
