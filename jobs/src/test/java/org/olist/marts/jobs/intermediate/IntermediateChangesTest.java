package org.olist.marts.jobs.intermediate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.audit.RunDetail;
import org.olist.marts.common.audit.WriteDetail;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.job.InputChanges;
import org.olist.marts.jobs.marts.MartsJob;
import org.olist.marts.jobs.orderlines.MonthPrints;
import org.olist.marts.jobs.staging.StagingJob;
import org.olist.marts.jobs.testing.AuditRow;
import org.olist.marts.jobs.testing.Csv;
import org.olist.marts.jobs.testing.JobTest;
import org.olist.marts.jobs.testing.OlistData;
import org.olist.marts.jobs.testing.Pipeline;
import org.olist.marts.jobs.testing.SampleWarehouse;
import org.olist.marts.jobs.testing.TestSpark;
import org.olist.marts.jobs.verify.TableDiff;
import org.olist.marts.jobs.warehouse.Tables;

/**
 * Issue 33, intermediate and dimensions: a day's staging changes are read from the staging change feeds and only the
 * keys they touch are recomputed, leaving each intermediate table and dimension equal, row for row, to the one a
 * rebuild on the same files writes;
 * a feed that cannot say what changed (a staging table replaced) makes the table computed whole, saying why.
 */
@JobTest
class IntermediateChangesTest {
  private static final List<String> INTERMEDIATE = List.of(Tables.ORDER_ITEMS_JOINED, Tables.CUSTOMERS_DEDUPLICATED,
      Tables.PRODUCTS_ENRICHED);

  @Test
  void aDaysChangesAreRecomputedAsARebuildWould(@TempDir Path dir) throws IOException {
    Path warehouse = SampleWarehouse.copyTo(dir.resolve("warehouse"));
    Path input = Pipeline.copy(OlistData.sample(), dir.resolve("input"));
    Path ordersFile = input.resolve("olist_orders_dataset.csv");
    Path customersFile = input.resolve("olist_customers_dataset.csv");
    List<Map<String, String>> orders = Csv.read(ordersFile);
    List<Map<String, String>> customers = Csv.read(customersFile);
    // a status change, an order gone from the export
    orders.get(0).put("order_status", "canceled");
    orders.remove(1);
    Csv.write(ordersFile, orders);
    // two customer ids become one person (both persons' sequence numbers move), a customer who moves
    Map<String, String> merged = customerOf(customers, orders.get(1).get("customer_id"));
    merged.put("customer_unique_id", customerOf(customers, orders.get(2).get("customer_id")).get("customer_unique_id"));
    Map<String, String> moved = customerOf(customers, orders.get(3).get("customer_id"));
    moved.put("customer_city", "niteroi");
    moved.put("customer_state", "RJ");
    Csv.write(customersFile, customers);
    // a product re-categorised, a line gone
    Path productsFile = input.resolve("olist_products_dataset.csv");
    List<Map<String, String>> products = Csv.read(productsFile);
    products.get(0).put("product_category_name", products.get(1).get("product_category_name"));
    Csv.write(productsFile, products);
    Path itemsFile = input.resolve("olist_order_items_dataset.csv");
    List<Map<String, String>> items = Csv.read(itemsFile);
    items.remove(0);
    Csv.write(itemsFile, items);

    OlistConfig day2 = SampleWarehouse.config(input, warehouse, "day-2", Map.of());
    new StagingJob().run(TestSpark.spark(), day2);
    new IntermediateJob().run(TestSpark.spark(), day2);
    new MartsJob().run(TestSpark.spark(), day2);

    Path fresh = dir.resolve("fresh");
    OlistConfig rebuild = SampleWarehouse.config(input, fresh, "fresh", Map.of());
    new StagingJob().run(TestSpark.spark(), rebuild);
    new IntermediateJob().run(TestSpark.spark(), rebuild);
    new MartsJob().run(TestSpark.spark(), rebuild);
    for (String table : INTERMEDIATE) {
      AuditRow row = AuditRow.of(warehouse, "day-2", "intermediate/" + table);
      row.expect(RunDetail.COMPUTED_FROM, InputChanges.CHANGES);
      row.expect(WriteDetail.WRITE, "merged");
      AuditRow.of(fresh, "fresh", "intermediate/" + table).expect(RunDetail.COMPUTED_FROM, InputChanges.WHOLE);
      assertEquals(Optional.empty(), TableDiff.difference(Pipeline.table(warehouse, "intermediate", table),
          Pipeline.table(fresh, "intermediate", table), List.of()), table + " equals its rebuild");
    }
    // the dimensions take the members of the changed rows only (a moved person, a re-categorised product)
    for (String table : List.of(Tables.DIM_CUSTOMERS, Tables.DIM_PRODUCTS)) {
      AuditRow row = AuditRow.of(warehouse, "day-2", "marts/" + table);
      row.expect(RunDetail.COMPUTED_FROM, InputChanges.CHANGES);
      row.expect(WriteDetail.WRITE, "merged");
      assertEquals(Optional.empty(), TableDiff.difference(Pipeline.table(warehouse, "marts", table),
          Pipeline.table(fresh, "marts", table), List.of()), table + " equals its rebuild");
    }
    AuditRow.of(warehouse, "day-2", "marts/" + Tables.DIM_PRODUCTS).expect(WriteDetail.ROWS_UPDATED, 1);
    String linesPath = warehouse.resolve("intermediate").resolve(Tables.ORDER_ITEMS_JOINED).toString();
    long version = DeltaTables.version(TestSpark.spark(), linesPath);
    assertEquals(Optional.of(MonthPrints.scan(DeltaTables.read(TestSpark.spark(), linesPath))),
        MonthPrints.read(TestSpark.spark(), linesPath, version), "the kept month prints are the lines' own");
    AuditRow lines = AuditRow.of(warehouse, "day-2", "intermediate/" + Tables.ORDER_ITEMS_JOINED);
    long recomputed = Long.parseLong(lines.get(WriteDetail.ROWS_UNCHANGED))
        + Long.parseLong(lines.get(WriteDetail.ROWS_UPDATED)) + Long.parseLong(lines.get(WriteDetail.ROWS_INSERTED));
    assertTrue(recomputed < Pipeline.table(fresh, "intermediate", Tables.ORDER_ITEMS_JOINED).count() / 2,
        "only the touched orders' lines are recomputed: " + lines);
  }

  @Test
  void aReplacedStagingTableMakesItsReadersComputeWhole(@TempDir Path dir) throws IOException {
    Path warehouse = SampleWarehouse.copyTo(dir.resolve("warehouse"));
    new StagingJob().run(TestSpark.spark(), SampleWarehouse.config(warehouse, "refresh",
        Map.of(OlistConfig.FULL_REFRESH, true)));
    new IntermediateJob().run(TestSpark.spark(), SampleWarehouse.config(warehouse, "day-2", Map.of()));
    AuditRow row = AuditRow.of(warehouse, "day-2", "intermediate/" + Tables.PRODUCTS_ENRICHED);
    row.expect(RunDetail.COMPUTED_FROM, InputChanges.WHOLE);
    assertTrue(row.get(RunDetail.COMPUTED_WHOLE_BECAUSE).contains("replaced the table"), row.toString());
    row.expect(WriteDetail.WRITE, "unchanged");
  }

  private static Map<String, String> customerOf(List<Map<String, String>> customers, String customerId) {
    return customers.stream().filter(c -> customerId.equals(c.get("customer_id"))).findFirst().orElseThrow();
  }
}
