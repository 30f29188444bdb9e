package org.olist.marts.jobs.marts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.jobs.staging.StagingJob;
import org.olist.marts.jobs.testing.Csv;
import org.olist.marts.jobs.testing.JobTest;
import org.olist.marts.jobs.testing.MartsAssertions;
import org.olist.marts.jobs.testing.OlistData;
import org.olist.marts.jobs.testing.OlistReference;
import org.olist.marts.jobs.testing.Pipeline;
import org.olist.marts.jobs.testing.TestSpark;
import org.olist.marts.jobs.warehouse.Tables;

/**
 * The real Olist files of {@code ../shared/data} (read in place, never copied into the repository): staging
 * is exact on the full-size files, and the marts equal an independent reference on the consistent subset.
 * Runs wherever the shared data is present (CI has it); elsewhere there is nothing to check against.
 */
@JobTest
class RealDataTest {
  @TempDir
  Path dir;

  @Test
  void stagingIsExactOnTheFullSizeFiles() throws IOException {
    Path full = OlistData.folder(OlistData.FULL_NO_ORDERS).orElse(null);
    Path subset = OlistData.folder(OlistData.SUBSET).orElse(null);
    assumeTrue(full != null && subset != null, "../shared/data is not on this machine");
    Path input = Files.createDirectories(dir.resolve("input"));
    try (var files = Files.list(full)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".csv"))::iterator) {
        Files.createSymbolicLink(input.resolve(f.getFileName()), f);
      }
    }
    Files.createSymbolicLink(input.resolve("olist_orders_dataset.csv"), subset.resolve("olist_orders_dataset.csv"));
    Path wh = dir.resolve("wh");
    new StagingJob().run(TestSpark.spark(), TestSpark.config(input.toString(), wh));

    Map<String, String> files = new TreeMap<>(Map.of(
        "stg_orders", "olist_orders_dataset.csv", "stg_order_items", "olist_order_items_dataset.csv",
        "stg_customers", "olist_customers_dataset.csv", "stg_products", "olist_products_dataset.csv",
        "stg_sellers", "olist_sellers_dataset.csv", "stg_order_payments", "olist_order_payments_dataset.csv",
        "stg_product_category_name_translation", "product_category_name_translation.csv"));
    for (Map.Entry<String, String> e : files.entrySet()) {
      assertEquals(Csv.read(input.resolve(e.getValue())).size(), Pipeline.table(wh, "staging", e.getKey()).count(),
          e.getKey() + " has every row of " + e.getValue());
      assertEquals(0, Pipeline.table(wh, "quarantine", e.getKey()).count(), e.getKey() + " quarantine is empty");
    }
    List<Map<String, String>> items = Csv.read(input.resolve("olist_order_items_dataset.csv"));
    assertMoney(items, "price", Pipeline.table(wh, "staging", Tables.STG_ORDER_ITEMS), "price");
    assertMoney(items, "freight_value", Pipeline.table(wh, "staging", Tables.STG_ORDER_ITEMS), "freight_value");
    assertMoney(Csv.read(input.resolve("olist_order_payments_dataset.csv")), "payment_value",
        Pipeline.table(wh, "staging", "stg_order_payments"), "payment_value");

    Dataset<Row> customers = Pipeline.table(wh, "staging", Tables.STG_CUSTOMERS);
    long leadingZeros = Csv.read(input.resolve("olist_customers_dataset.csv")).stream()
        .filter(r -> r.get("customer_zip_code_prefix").startsWith("0")).count();
    assertTrue(leadingZeros > 0);
    assertEquals(leadingZeros, customers.filter("customer_zip_code_prefix like '0%'").count());
    assertEquals(0, customers.filter("length(customer_zip_code_prefix) != 5").count());
    assertEquals(0, Pipeline.table(wh, "staging", Tables.STG_SELLERS).filter("length(seller_zip_code_prefix) != 5")
        .count());

    Dataset<Row> translation = Pipeline.table(wh, "staging", Tables.STG_CATEGORY_TRANSLATION);
    assertEquals(List.of("product_category_name", "product_category_name_english"), List.of(translation.columns()));
    assertEquals("health_beauty", translation.filter("product_category_name = 'beleza_saude'").first().getString(1));
    assertEquals(0, translation.filter("product_category_name_english like '%\r%'").count(), "CRLF is not data");
  }

  private static void assertMoney(List<Map<String, String>> rows, String column, Dataset<Row> staged, String name) {
    BigDecimal expected = rows.stream().map(r -> new BigDecimal(r.get(column))).reduce(BigDecimal.ZERO,
        BigDecimal::add);
    assertEquals(expected, staged.agg(sum(col(name))).first().getDecimal(0), name + " sums to the cent");
  }

  @Test
  void martsEqualTheReferenceOnTheSubset() throws IOException {
    Path subset = OlistData.folder(OlistData.SUBSET).orElse(null);
    assumeTrue(subset != null, "../shared/data is not on this machine");
    OlistReference ref = OlistReference.compute(subset);
    Path wh = dir.resolve("wh");
    Pipeline.run(TestSpark.config(subset.toString(), wh));
    MartsAssertions.assertMatchReference(ref, wh);
  }
}
