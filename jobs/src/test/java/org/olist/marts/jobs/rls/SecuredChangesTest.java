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
import org.olist.marts.common.job.InputChanges;
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
 * Issue 33, the rls job: after a day's changes (a seller who moves state, a canceled order, a customer who moves, a
 * product re-categorised) the secured copies follow the changes, and every copy of every set equals, row for row, the
 * copy a rebuild on the same files writes (its write times aside).
 */
@JobTest
class SecuredChangesTest {
  @TempDir
  Path dir;

  @Test
  void theCopiesFollowTheChangesAsARebuildWould() throws IOException {
    Path warehouse = SampleWarehouse.copyTo(dir.resolve("warehouse"));
    Path input = Pipeline.copy(OlistData.sample(), dir.resolve("input"));
    Path sellersFile = input.resolve("olist_sellers_dataset.csv");
    List<Map<String, String>> sellers = Csv.read(sellersFile);
    Set<String> selling = Csv.read(input.resolve("olist_order_items_dataset.csv")).stream()
        .map(i -> i.get("seller_id")).collect(Collectors.toSet());
    Map<String, String> mover = sellers.stream()
        .filter(s -> "SP".equals(s.get("seller_state")) && selling.contains(s.get("seller_id"))).findFirst()
        .orElseThrow();
    mover.put("seller_state", "RS");
    mover.put("seller_city", "porto alegre");
    Csv.write(sellersFile, sellers);
    Path ordersFile = input.resolve("olist_orders_dataset.csv");
    List<Map<String, String>> orders = Csv.read(ordersFile);
    orders.stream().filter(o -> "delivered".equals(o.get("order_status"))).findFirst().orElseThrow()
        .put("order_status", "canceled");
    Csv.write(ordersFile, orders);
    Path customersFile = input.resolve("olist_customers_dataset.csv");
    List<Map<String, String>> customers = Csv.read(customersFile);
    customers.get(5).put("customer_city", "manaus");
    customers.get(5).put("customer_state", "AM");
    Csv.write(customersFile, customers);
    Path productsFile = input.resolve("olist_products_dataset.csv");
    List<Map<String, String>> products = Csv.read(productsFile);
    products.get(3).put("product_category_name", products.get(4).get("product_category_name"));
    Csv.write(productsFile, products);

    OlistConfig day2 = SampleWarehouse.config(input, warehouse, "day-2", Map.of());
    Pipeline.run(day2);
    new RlsJob().run(TestSpark.spark(), day2);
    Path fresh = dir.resolve("fresh");
    OlistConfig rebuild = SampleWarehouse.config(input, fresh, "fresh", Map.of());
    Pipeline.run(rebuild);
    new RlsJob().run(TestSpark.spark(), rebuild);

    Set<String> sets = sets(fresh);
    assertEquals(sets, sets(warehouse));
    for (String set : sets) {
      for (String table : RlsJob.COPIED) {
        assertEquals(Optional.empty(), TableDiff.difference(Pipeline.table(warehouse, "secure/" + set, table),
            Pipeline.table(fresh, "secure/" + set, table), List.of(MartColumns.LOADED_AT)),
            set + "/" + table + " equals its rebuild");
      }
    }
    AuditRow fact = AuditRow.of(warehouse, "day-2", "secure/sudeste/" + Tables.FCT_ORDER_ITEMS);
    fact.expect(RunDetail.COMPUTED_FROM, InputChanges.CHANGES);
    fact.expect(AuditDetail.REFRESH, CopyRefresh.Mode.CHANGES.word());
    AuditRow sul = AuditRow.of(warehouse, "day-2", "secure/sul/" + Tables.FCT_ORDER_ITEMS);
    assertTrue(Long.parseLong(sul.get(WriteDetail.ROWS_INSERTED)) > 0, "the mover's lines reach the set of RS: " + sul);
  }

  private static Set<String> sets(Path warehouse) throws IOException {
    try (Stream<Path> s = Files.list(warehouse.resolve("secure"))) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
