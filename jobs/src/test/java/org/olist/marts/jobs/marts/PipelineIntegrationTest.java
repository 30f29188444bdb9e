package org.olist.marts.jobs.marts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.audit.Details;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.contract.ContractViolationException;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.OlistJob;
import org.olist.marts.common.spark.Keys;
import org.olist.marts.jobs.datagen.DataGenJob;
import org.olist.marts.jobs.intermediate.IntermediateJob;
import org.olist.marts.jobs.testing.Csv;
import org.olist.marts.jobs.testing.JobTest;
import org.olist.marts.jobs.testing.MartsAssertions;
import org.olist.marts.jobs.testing.OlistReference;
import org.olist.marts.jobs.testing.Pipeline;
import org.olist.marts.jobs.testing.TestSpark;
import org.olist.marts.jobs.warehouse.Tables;

/** The three layers end to end on generated data (SF 0.01), run twice, then a contract broken on purpose. */
@JobTest
class PipelineIntegrationTest {
  @TempDir
  static Path dir;
  static Path input;
  static Path warehouse;
  static Dataset<Row> firstFact;
  static Dataset<Row> firstCustomers;

  private static final List<String> DIMENSIONS = List.of("dim_customers", "dim_products", "dim_sellers");

  @BeforeAll
  static void runTwice() {
    input = dir.resolve("input");
    new DataGenJob(0.01, 7, input.toString(), null).generate(TestSpark.spark());
    warehouse = dir.resolve("wh");
    Pipeline.run(TestSpark.config(input.toString(), warehouse, Map.of(OlistConfig.RUN_ID, "run-1")));
    firstFact = Pipeline.table(warehouse, "marts", Tables.FCT_ORDER_ITEMS).drop("loaded_at").localCheckpoint();
    firstCustomers = Pipeline.table(warehouse, "marts", Tables.DIM_CUSTOMERS).localCheckpoint();
    Pipeline.run(TestSpark.config(input.toString(), warehouse,
        Map.of(OlistConfig.RUN_ID, "run-2", OlistConfig.FULL_REFRESH, true)));
  }

  static Dataset<Row> mart(String name) {
    return Pipeline.table(warehouse, "marts", name);
  }

  @Test
  void stagingCountsEqualTheFilesAndNothingIsQuarantined() throws IOException {
    Map<String, String> files = Map.of("stg_orders", "olist_orders_dataset.csv",
        "stg_order_items", "olist_order_items_dataset.csv", "stg_customers", "olist_customers_dataset.csv",
        "stg_order_reviews", "olist_order_reviews_dataset.csv", "stg_products", "olist_products_dataset.csv");
    for (Map.Entry<String, String> e : files.entrySet()) {
      long rows = Csv.read(input.resolve(e.getValue())).size();
      assertEquals(rows, Pipeline.table(warehouse, "staging", e.getKey()).count(), e.getKey());
      assertEquals(0, Pipeline.table(warehouse, "quarantine", e.getKey()).count(), e.getKey());
    }
    assertTrue(Pipeline.table(warehouse, "staging", "stg_order_reviews")
        .filter("review_comment_message like '%\n%'").count() > 0, "quoted line breaks survive");
  }

  @Test
  void everyFactForeignKeyResolves() {
    Dataset<Row> fact = mart("fct_order_items");
    assertEquals(Pipeline.table(warehouse, "staging", Tables.STG_ORDER_ITEMS).count(), fact.count());
    assertEquals(0, fact.join(mart("dim_customers"), Keys.of("customer_sk"), "left_anti").count());
    assertEquals(0, fact.join(mart("dim_products"), Keys.of("product_sk"), "left_anti").count());
    assertEquals(0, fact.join(mart("dim_sellers"), Keys.of("seller_sk"), "left_anti").count());
    Dataset<Row> dates = mart("dim_date").withColumnRenamed("date_sk", "order_date_sk");
    assertEquals(fact.count(), fact.join(dates, "order_date_sk").count());
  }

  @Test
  void surrogateKeysAreUniqueAndStableAcrossFullRuns() {
    Dataset<Row> fact = mart("fct_order_items");
    assertEquals(fact.count(), fact.select("order_item_sk").distinct().count());
    for (String dim : DIMENSIONS) {
      String key = dim.replace("dim_", "").replaceAll("s$", "") + "_sk";
      Dataset<Row> d = mart(dim);
      assertEquals(d.count(), d.select(key).distinct().count(), dim);
      assertEquals(1, d.filter(key + " = -1").count(), dim + " has one unknown member");
    }
    JavaDataFrameSuiteBase compare = new JavaDataFrameSuiteBase();
    compare.assertDataFrameNoOrderEquals(firstFact, fact.drop("loaded_at"));
    compare.assertDataFrameNoOrderEquals(firstCustomers, mart("dim_customers"));
  }

  @Test
  void martsEqualTheIndependentReference() throws IOException {
    MartsAssertions.assertMatchReference(OlistReference.compute(input), warehouse);
  }

  @Test
  void everyJobIsAudited() {
    Map<String, Row> audit = Pipeline.audit(warehouse, "run-2");
    for (String t : List.of("staging/stg_orders", "intermediate/int_sales__order_items_joined",
        "marts/fct_order_items", "marts/dim_date")) {
      assertEquals("succeeded", audit.get(t).getAs("status"), t);
    }
    Row first = Pipeline.audit(warehouse, "run-1").get("marts/fct_order_items");
    assertEquals(mart("fct_order_items").count(), (long) first.getAs("rows_out"));
  }

  /** An intermediate job whose new release writes {@code photos_qty} as a string, past its own contract. */
  static final class DriftedIntermediate extends OlistJob {
    @Override
    public String name() {
      return IntermediateJob.NAME;
    }

    @Override
    protected void execute(JobContext ctx) {
      Instant start = Instant.now();
      String table = "intermediate/int_products__enriched";
      String path = ctx.warehouse().root() + "/" + table;
      Dataset<Row> drifted = ctx.read("int_products__enriched")
          .withColumn("photos_qty", org.apache.spark.sql.functions.col("photos_qty").cast("string"))
          .localCheckpoint();
      drifted.write().format("delta").mode(SaveMode.Overwrite).option("overwriteSchema", "true")
          .save(path);
      long version = DeltaTables.version(ctx.spark(), path);
      long rows = drifted.count();
      ctx.recordWrite(table, start, rows, rows, version, null, Details.NONE);
    }
  }

  @Test
  void dimDateIsKeptWithoutFullRefresh() throws IOException {
    // a copy of the warehouse of the two full runs
    Path wh = Pipeline.copyTree(warehouse, dir.resolve("wh-type0"));
    long version = Pipeline.version(wh, "marts", Tables.DIM_DATE);
    new org.olist.marts.jobs.marts.MartsJob().run(TestSpark.spark(),
        TestSpark.config(input.toString(), wh, Map.of(OlistConfig.RUN_ID, "t0-2")));
    assertEquals(version, Pipeline.version(wh, "marts", Tables.DIM_DATE));
    assertEquals("skipped", Pipeline.audit(wh, "t0-2").get("marts/dim_date").getAs("status"));

    // a contract broken on purpose: a release of the intermediate job publishes a column of another type; no mart
    // moves
    new DriftedIntermediate().run(TestSpark.spark(), TestSpark.config(input.toString(), wh,
        Map.of(OlistConfig.RUN_ID, "t0-drift")));
    Map<String, Long> before = new HashMap<>();
    for (String m : List.of("fct_order_items", "dim_customers", "dim_products", "dim_sellers", "dim_date")) {
      before.put(m, Pipeline.version(wh, "marts", m));
    }
    ContractViolationException e = assertThrows(ContractViolationException.class,
        () -> new MartsJob().run(TestSpark.spark(), TestSpark.config(input.toString(), wh,
            Map.of(OlistConfig.RUN_ID, "t0-3", OlistConfig.FULL_REFRESH, true))));
    assertTrue(e.getMessage().startsWith("Cannot write marts/dim_products: its schema breaks the contract"),
        e.getMessage());
    assertTrue(e.getMessage().matches("(?s).*expected photos_qty int\\s+actual photos_qty \\w+\\s+<- wrong type.*"),
        e.getMessage());
    before.forEach((m, v) -> assertEquals(v, Pipeline.version(wh, "marts", m), m + " did not move"));
    assertTrue(Files.exists(wh.resolve("marts/dim_date")));
  }
}
