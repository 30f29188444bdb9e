package org.olist.marts.jobs.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.jobs.rls.RlsJob;
import org.olist.marts.jobs.status.StatusJob;
import org.olist.marts.jobs.testing.JobTest;
import org.olist.marts.jobs.testing.OlistData;
import org.olist.marts.jobs.testing.Pipeline;
import org.olist.marts.jobs.testing.SampleWarehouse;
import org.olist.marts.jobs.testing.TestSpark;
import org.olist.marts.jobs.warehouse.Tables;

/**
 * Issue 5's acceptance on the sample: clean data passes every test; injected bad rows fail the matching
 * error tests with their keys stored, the run fails, and the status keeps the last good pipeline time.
 */
@JobTest
class DataQualityIntegrationTest {
  @TempDir
  static Path dir;
  static Path wh;
  static Path runResults;
  static Timestamp goodRun;
  static OlistException failure;
  static String badOrder;
  static String zzSeller;
  static String ghostSellerOrder;

  static OlistConfig config(Path input, String runId, Map<String, Object> more) {
    Map<String, Object> all = new HashMap<>(more);
    all.put(OlistConfig.RUN_RESULTS_FILE, runResults.toString());
    return SampleWarehouse.config(input, wh, runId, all);
  }

  @BeforeAll
  static void cleanRunThenBadRun() throws IOException {
    // the clean run: the sample through all six jobs (built once per build, copied here)
    wh = SampleWarehouse.copyTo(dir.resolve("wh"));
    runResults = dir.resolve("run_results.json");
    goodRun = Pipeline.table(wh, "marts", Tables.PROJECT_STATUS).first().getAs("pipeline_last_run_at");

    Path bad = Pipeline.copy(OlistData.sample(), dir.resolve("bad"));
    List<String> items = new ArrayList<>(Files.readAllLines(bad.resolve("olist_order_items_dataset.csv")));
    // a negative price on item line 1
    String[] f = items.get(1).split(",");
    f[5] = "-5.00";
    items.set(1, String.join(",", f));
    // an item whose seller is not in the sellers file (line 2)
    String[] g = items.get(2).split(",");
    ghostSellerOrder = g[0].replace("\"", "");
    g[3] = "00000000000000000000000000000000";
    items.set(2, String.join(",", g));
    Files.write(bad.resolve("olist_order_items_dataset.csv"), items, StandardCharsets.UTF_8);
    // an order purchased outside dim_date's range: the order of item line 3
    badOrder = items.get(3).split(",")[0].replace("\"", "");
    List<String> orders = new ArrayList<>(Files.readAllLines(bad.resolve("olist_orders_dataset.csv")));
    for (int i = 1; i < orders.size(); i++) {
      if (orders.get(i).replace("\"", "").startsWith(badOrder + ",")) {
        orders.set(i, orders.get(i).replaceFirst(",\\d{4}-\\d{2}-\\d{2} (\\d\\d:\\d\\d:\\d\\d),", ",2021-03-01 $1,"));
      }
    }
    Files.write(bad.resolve("olist_orders_dataset.csv"), orders, StandardCharsets.UTF_8);
    // a seller in state ZZ
    List<String> sellers = new ArrayList<>(Files.readAllLines(bad.resolve("olist_sellers_dataset.csv")));
    zzSeller = sellers.get(1).split(",")[0].replace("\"", "");
    sellers.set(1, sellers.get(1).substring(0, sellers.get(1).lastIndexOf(',')) + ",ZZ");
    Files.write(bad.resolve("olist_sellers_dataset.csv"), sellers, StandardCharsets.UTF_8);

    OlistConfig c = config(bad, "bad", Map.of());
    Pipeline.run(c);
    new RlsJob().run(TestSpark.spark(), c);
    failure = assertThrows(OlistException.class, () -> new TestJob().run(TestSpark.spark(), c));
    new StatusJob().run(TestSpark.spark(), config(bad, "bad", Map.of(OlistConfig.FAILED_JOB, "test")));
  }

  static Map<String, Row> results(String runId) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : Pipeline.table(wh, "audit", Tables.TEST_RESULTS).filter("run_id = '" + runId + "'").collectAsList()) {
      out.put(r.getAs("test_name"), r);
    }
    return out;
  }

  static String failures(String test) {
    return String.join("\n", Pipeline.table(wh, "audit", "test_failures/" + test).filter("run_id = 'bad'")
        .select("failing_row").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
  }

  @Test
  void cleanDataPassesEveryTest() {
    Map<String, Row> good = results(SampleWarehouse.RUN_ID);
    assertTrue(good.size() >= 25, good.keySet().toString());
    good.forEach((name, r) -> assertEquals("pass", r.getAs("status"), name));
  }

  @Test
  void injectedErrorsFailTheirTestsWithTheKeysStored() throws IOException {
    Map<String, Row> bad = results("bad");
    assertFailed(bad, "fct_order_items__money_ranges");
    assertFailed(bad, "fct_order_items__relationships__order_date_sk");
    assertFailed(bad, "dim_sellers__accepted_values__seller_state_code");
    assertFailed(bad, "dim_sellers__reachable_by_national");
    assertTrue(failures("fct_order_items__money_ranges").contains("\"price_brl\":-5.00"));
    assertTrue(failures("fct_order_items__relationships__order_date_sk").contains(badOrder));
    assertTrue(failures("dim_sellers__accepted_values__seller_state_code").contains(zzSeller));
    assertTrue(failure.getMessage().contains("fct_order_items__money_ranges (1 rows)"), failure.getMessage());
    JsonNode json = new ObjectMapper().readTree(runResults.toFile());
    assertEquals("bad", json.get("metadata").get("run_id").asText());
    JsonNode entry = null;
    for (JsonNode r : json.get("results")) {
      if (r.get("unique_id").asText().equals("test.olist_marts.fct_order_items__money_ranges")) {
        entry = r;
      }
    }
    assertEquals("fail", entry.get("status").asText(), json.toString());
    assertEquals(1, entry.get("failures").asLong());
    assertEquals("error", entry.get("severity").asText());
  }

  private static void assertFailed(Map<String, Row> results, String test) {
    assertEquals("fail", results.get(test).getAs("status"), test);
  }

  @Test
  void aMissingSellerIsAWarningOnTheUnknownMember() {
    Row warn = results("bad").get("fct_order_items__unknown_members");
    assertEquals("warn", warn.getAs("status"));
    assertEquals(1L, (long) warn.getAs("failures"));
    assertTrue(failures("fct_order_items__unknown_members").contains(ghostSellerOrder));
    assertEquals(1, Pipeline.table(wh, "marts", Tables.FCT_ORDER_ITEMS).filter("seller_sk = -1").count());
    assertEquals("pass", results("bad").get("fct_order_items__reconciles_with_staging").getAs("status"));
  }

  @Test
  void theStatusKeepsTheLastGoodRun() {
    Row s = Pipeline.table(wh, "marts", Tables.PROJECT_STATUS).first();
    assertEquals(1, Pipeline.table(wh, "marts", Tables.PROJECT_STATUS).count());
    assertNotNull(goodRun);
    assertEquals(goodRun, s.getAs("pipeline_last_run_at"));
    assertEquals("failed", s.getAs("last_attempt_status"));
    assertEquals("bad", s.getAs("run_id"));
    assertTrue(((Timestamp) s.getAs("last_attempt_at")).after(goodRun));
    assertTrue(((String) s.getAs("last_attempt_failure")).contains("job test failed"));
    assertEquals(4, (int) s.getAs("tests_failed"), "money, order date, ZZ state, NATIONAL reach");
    assertEquals(Pipeline.table(wh, "marts", Tables.FCT_ORDER_ITEMS).agg(functions.max("order_date"))
        .first().getDate(0), s.getAs("data_valid_through"));
    assertEquals(Pipeline.table(wh, "marts", Tables.DIM_SELLERS).count(), (long) s.getAs("dim_sellers_rows"));
    assertEquals(54L, (long) s.getAs("dim_rls_bridge_rows"));
  }
}
