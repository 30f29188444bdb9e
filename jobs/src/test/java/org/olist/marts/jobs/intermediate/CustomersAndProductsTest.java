package org.olist.marts.jobs.intermediate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.olist.marts.jobs.testing.Frames.ts;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.olist.marts.jobs.orderlines.Columns;
import org.olist.marts.jobs.testing.Frames;

class CustomersAndProductsTest {
  @Test
  void onePersonPerUniqueIdLocatedAtTheLatestOrder() {
    Dataset<Row> customers = Frames.table("stg_customers",
        new Object[] {"c1", "p1", "01151", "sao paulo", "SP"},
        new Object[] {"c2", "p1", "20000", "rio de janeiro", "RJ"},
        new Object[] {"c3", "p2", "30000", "belo horizonte", "MG"});
    Dataset<Row> orders = Frames.table("stg_orders",
        OrderItemsJoinedTest.order("o1", "c1", "delivered", "2017-05-01 10:00:00", null, null, null, null),
        OrderItemsJoinedTest.order("o2", "c2", "delivered", "2018-02-01 10:00:00", null, null, null, null),
        OrderItemsJoinedTest.order("o3", "c3", "delivered", "2018-03-01 10:00:00", null, null, null, null));
    Map<String, Row> people = CustomersDeduplicated.build(customers, orders, itemsOf("o1", "o2", "o3"))
        .collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r));
    assertEquals(2, people.size());
    Row p1 = people.get("p1");
    assertEquals("rio de janeiro", p1.getAs(Columns.CUSTOMER_CITY));
    assertEquals("RJ", p1.getAs(Columns.CUSTOMER_STATE));
    assertEquals(Frames.date("2017-05-01"), p1.getAs(Columns.FIRST_ORDER_DATE));
    assertEquals(Frames.date("2018-02-01"), p1.getAs(Columns.LAST_ORDER_DATE));
    assertEquals(2L, (long) p1.getAs(Columns.ORDER_COUNT));
    assertTrue((Boolean) p1.getAs(Columns.IS_REPEAT_BUYER));
    assertFalse((Boolean) people.get("p2").getAs(Columns.IS_REPEAT_BUYER));
  }

  @Test
  void equalPurchaseTimesPickTheHigherOrderId() {
    Dataset<Row> customers = Frames.table("stg_customers",
        new Object[] {"c1", "p1", "01151", "sao paulo", "SP"},
        new Object[] {"c2", "p1", "20000", "rio de janeiro", "RJ"});
    Dataset<Row> orders = Frames.table("stg_orders",
        OrderItemsJoinedTest.order("oB", "c1", "delivered", "2018-01-01 10:00:00", null, null, null, null),
        OrderItemsJoinedTest.order("oA", "c2", "delivered", "2018-01-01 10:00:00", null, null, null, null));
    Row p1 = CustomersDeduplicated.build(customers, orders, itemsOf("oA", "oB")).first();
    assertEquals("SP", p1.getAs(Columns.CUSTOMER_STATE));
  }

  @Test
  void countsAndDatesCoverOnlyOrdersWithLinesWhileTheLocationFollowsAnyOrder() {
    Dataset<Row> customers = Frames.table("stg_customers",
        new Object[] {"c1", "p1", "01151", "sao paulo", "SP"},
        new Object[] {"c2", "p1", "20000", "rio de janeiro", "RJ"},
        new Object[] {"c3", "p1", "30000", "belo horizonte", "MG"},
        new Object[] {"c4", "p2", "40000", "salvador", "BA"});
    Dataset<Row> orders = Frames.table("stg_orders",
        OrderItemsJoinedTest.order("empty1", "c1", "unavailable", "2017-01-01 10:00:00", null, null, null, null),
        OrderItemsJoinedTest.order("bought", "c2", "delivered", "2017-06-01 10:00:00", null, null, null, null),
        OrderItemsJoinedTest.order("empty2", "c3", "canceled", "2018-01-01 10:00:00", null, null, null, null),
        OrderItemsJoinedTest.order("empty3", "c4", "canceled", "2018-02-01 10:00:00", null, null, null, null));
    Map<String, Row> people = CustomersDeduplicated.build(customers, orders, itemsOf("bought")).collectAsList()
        .stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
    Row p1 = people.get("p1");
    assertEquals("MG", p1.getAs(Columns.CUSTOMER_STATE), "located at the most recent order of any kind");
    assertEquals(Frames.date("2017-06-01"), p1.getAs(Columns.FIRST_ORDER_DATE));
    assertEquals(Frames.date("2017-06-01"), p1.getAs(Columns.LAST_ORDER_DATE));
    assertEquals(1L, (long) p1.getAs(Columns.ORDER_COUNT));
    assertFalse((Boolean) p1.getAs(Columns.IS_REPEAT_BUYER));
    Row p2 = people.get("p2");
    assertEquals("BA", p2.getAs(Columns.CUSTOMER_STATE));
    assertNull(p2.getAs(Columns.FIRST_ORDER_DATE));
    assertNull(p2.getAs(Columns.LAST_ORDER_DATE));
    assertEquals(0L, (long) p2.getAs(Columns.ORDER_COUNT));
    assertFalse((Boolean) p2.getAs(Columns.IS_REPEAT_BUYER));
  }

  /** One line for each of {@code orders}. */
  private static Dataset<Row> itemsOf(String... orders) {
    return Frames.table("stg_order_items", Arrays.stream(orders)
        .map(o -> OrderItemsJoinedTest.item(o, 1, "prod1", "sel1", "1.00")).toArray(Object[][]::new));
  }

  @Test
  void categoriesFallBackAndVolumeNeedsEveryDimension() {
    Dataset<Row> products = Frames.table("stg_products",
        new Object[] {"translated", "bebes", 1, 1, 1, 100, 10, 20, 30},
        new Object[] {"untranslated", "pc_gamer", 1, 1, 1, 100, 10, 20, null},
        new Object[] {"none", null, null, null, null, 100, 10, 20, 30},
        new Object[] {"weightless", "bebes", 1, 1, 1, 0, 10, 20, 30});
    Dataset<Row> translation = Frames.table("stg_product_category_name_translation",
        new Object[] {"bebes", "baby"});
    Map<String, Row> rows = ProductsEnriched.build(products, translation).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r));
    assertEquals("baby", rows.get("translated").getAs(Columns.CATEGORY_EN));
    assertEquals(6000L, (long) rows.get("translated").getAs(Columns.VOLUME));
    assertTrue((Boolean) rows.get("translated").getAs(Columns.IS_VERIFIED));
    assertEquals("pc_gamer", rows.get("untranslated").getAs(Columns.CATEGORY_EN));
    assertNull(rows.get("untranslated").getAs(Columns.VOLUME));
    assertEquals(ProductsEnriched.MISSING_DIMENSIONS, rows.get("untranslated").getAs(Columns.QUALITY_ISSUE_REASON));
    assertEquals(ProductsEnriched.UNKNOWN, rows.get("none").getAs(Columns.CATEGORY_EN));
    assertEquals(ProductsEnriched.UNKNOWN, rows.get("none").getAs(Columns.CATEGORY_PT));
    assertEquals(ProductsEnriched.MISSING_CATEGORY, rows.get("none").getAs(Columns.QUALITY_ISSUE_REASON));
    assertEquals(ProductsEnriched.ZERO_WEIGHT, rows.get("weightless").getAs(Columns.QUALITY_ISSUE_REASON));
  }
}
