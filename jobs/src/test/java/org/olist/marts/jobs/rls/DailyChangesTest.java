package org.olist.marts.jobs.rls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.audit.RunDetail;
import org.olist.marts.common.audit.WriteDetail;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.job.InputChanges;
import org.olist.marts.jobs.orderlines.MonthPrints;
import org.olist.marts.jobs.testing.AuditRow;
import org.olist.marts.jobs.testing.Csv;
import org.olist.marts.jobs.testing.JobTest;
import org.olist.marts.jobs.testing.OlistData;
import org.olist.marts.jobs.testing.Pipeline;
import org.olist.marts.jobs.testing.SampleWarehouse;
import org.olist.marts.jobs.testing.TestSpark;
import org.olist.marts.jobs.verify.TableDiff;
import org.olist.marts.jobs.warehouse.AuditDetail;
import org.olist.marts.jobs.warehouse.MartColumns;
import org.olist.marts.jobs.warehouse.Tables;

/**
 * Issue 33: one day of changes — a status change, an order gone from the export, two customer ids that become one
 * person, a customer who moves, a re-categorised product, a line gone, a seller who moves state — flows down the
 * layers from the change feeds: each intermediate table, dimension and secured copy recomputes only what the changes
 * touch, and equals, row for row (write times aside), the table a rebuild on the same files writes.
 */
@JobTest
class DailyChangesTest {
  private static final List<String> INTERMEDIATE = List.of(Tables.ORDER_ITEMS_JOINED, Tables.CUSTOMERS_DEDUPLICATED,
      Tables.PRODUCTS_ENRICHED);

  @TempDir
  Path dir;

  @Test
  void aDaysChangesFlowDownAsARebuildWould() throws IOException {
    Path warehouse = SampleWarehouse.copyTo(dir.resolve("warehouse"));
    Path input = Pipeline.copy(OlistData.sample(), dir.resolve("input"));
    changeADay(input);

    OlistConfig day2 = SampleWarehouse.config(input, warehouse, "day-2", Map.of());
    Pipeline.run(day2);
    new RlsJob().run(TestSpark.spark(), day2);
    Path fresh = dir.resolve("fresh");
    OlistConfig rebuild = SampleWarehouse.config(input, fresh, "fresh", Map.of());
    Pipeline.run(rebuild);
    new RlsJob().run(TestSpark.spark(), rebuild);

    for (String table : INTERMEDIATE) {
      AuditRow row = AuditRow.of(warehouse, "day-2", "intermediate/" + table);
      row.expect(RunDetail.COMPUTED_FROM, InputChanges.CHANGES);
      row.expect(WriteDetail.WRITE, "merged");
      AuditRow.of(fresh, "fresh", "intermediate/" + table).expect(RunDetail.COMPUTED_FROM, InputChanges.WHOLE);
      assertEqualsRebuild(warehouse, fresh, "intermediate", table, List.of());
    }
    AuditRow lines = AuditRow.of(warehouse, "day-2", "intermediate/" + Tables.ORDER_ITEMS_JOINED);
    long recomputed = Long.parseLong(lines.get(WriteDetail.ROWS_UNCHANGED))
        + Long.parseLong(lines.get(WriteDetail.ROWS_UPDATED)) + Long.parseLong(lines.get(WriteDetail.ROWS_INSERTED));
    assertTrue(recomputed < Pipeline.table(fresh, "intermediate", Tables.ORDER_ITEMS_JOINED).count() / 2,
        "only the touched orders' lines are recomputed: " + lines);
    String linesPath = warehouse.resolve("intermediate").resolve(Tables.ORDER_ITEMS_JOINED).toString();
    assertEquals(Optional.of(MonthPrints.scan(DeltaTables.read(TestSpark.spark(), linesPath))),
        MonthPrints.read(TestSpark.spark(), linesPath, DeltaTables.version(TestSpark.spark(), linesPath)),
        "the kept month prints are the lines' own");

    // the dimensions take the members of the changed rows only (a moved person, a re-categorised product)
    for (String table : List.of(Tables.DIM_CUSTOMERS, Tables.DIM_PRODUCTS, Tables.DIM_SELLERS)) {
      AuditRow row = AuditRow.of(warehouse, "day-2", "marts/" + table);
      row.expect(RunDetail.COMPUTED_FROM, InputChanges.CHANGES);
      row.expect(WriteDetail.WRITE, "merged");
      assertEqualsRebuild(warehouse, fresh, "marts", table, List.of());
    }
    AuditRow.of(warehouse, "day-2", "marts/" + Tables.DIM_PRODUCTS).expect(WriteDetail.ROWS_UPDATED, 1);
    assertEqualsRebuild(warehouse, fresh, "marts", Tables.FCT_ORDER_ITEMS, List.of(MartColumns.LOADED_AT));

    // every secured copy follows the changes and equals its rebuild
    Set<String> sets = sets(fresh);
    assertEquals(sets, sets(warehouse));
    for (String set : sets) {
      for (String table : Tables.SECURED) {
        assertEqualsRebuild(warehouse, fresh, "secure/" + set, table, List.of(MartColumns.LOADED_AT));
      }
    }
    AuditRow fact = AuditRow.of(warehouse, "day-2", "secure/sudeste/" + Tables.FCT_ORDER_ITEMS);
    fact.expect(RunDetail.COMPUTED_FROM, InputChanges.CHANGES);
    fact.expect(AuditDetail.REFRESH, CopyRefresh.Mode.CHANGES.word());
    AuditRow sul = AuditRow.of(warehouse, "day-2", "secure/sul/" + Tables.FCT_ORDER_ITEMS);
    assertTrue(Long.parseLong(sul.get(WriteDetail.ROWS_INSERTED)) > 0, "the mover's lines reach the set of RS: " + sul);
  }

  /** The day's changes, each file rewritten whole as a daily export would be. */
  private static void changeADay(Path input) throws IOException {
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
    // a seller with lines moves from SP to RS: their lines change sets
    Set<String> selling = items.stream().map(i -> i.get("seller_id")).collect(Collectors.toSet());
    Path sellersFile = input.resolve("olist_sellers_dataset.csv");
    List<Map<String, String>> sellers = Csv.read(sellersFile);
    Map<String, String> mover = sellers.stream()
        .filter(s -> "SP".equals(s.get("seller_state")) && selling.contains(s.get("seller_id"))).findFirst()
        .orElseThrow();
    mover.put("seller_state", "RS");
    mover.put("seller_city", "porto alegre");
    Csv.write(sellersFile, sellers);
  }

  private static void assertEqualsRebuild(Path warehouse, Path fresh, String layer, String table,
                                          List<String> stamps) {
    assertEquals(Optional.empty(), TableDiff.difference(Pipeline.table(warehouse, layer, table),
        Pipeline.table(fresh, layer, table), stamps), layer + "/" + table + " equals its rebuild");
  }

  private static Map<String, String> customerOf(List<Map<String, String>> customers, String customerId) {
    return customers.stream().filter(c -> customerId.equals(c.get("customer_id"))).findFirst().orElseThrow();
  }

  private static Set<String> sets(Path warehouse) throws IOException {
    try (Stream<Path> s = Files.list(warehouse.resolve("secure"))) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
