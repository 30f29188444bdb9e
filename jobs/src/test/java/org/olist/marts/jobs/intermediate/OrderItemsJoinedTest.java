package org.olist.marts.jobs.intermediate;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.olist.marts.jobs.testing.Frames.money;
import static org.olist.marts.jobs.testing.Frames.ts;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.olist.marts.common.catalog.ModelCatalog;
import org.olist.marts.common.contract.ContractCheck;
import org.olist.marts.common.spark.Keys;
import org.olist.marts.jobs.orderlines.Columns;
import org.olist.marts.jobs.testing.Frames;

class OrderItemsJoinedTest {
  static Object[] order(String id, String customer, String status, String purchase, String approved, String carrier,
                        String delivered, String estimated) {
    return new Object[] {id, customer, status, ts(purchase), ts(approved), ts(carrier), ts(delivered), ts(estimated)};
  }

  static Object[] item(String order, int n, String product, String seller, String price) {
    return new Object[] {order, n, product, seller, ts("2018-01-10 00:00:00"), money(price), money("5.00")};
  }

  private static final Dataset<Row> CUSTOMERS = Frames.table("stg_customers",
      new Object[] {"c1", "p1", "01151", "sao paulo", "SP"},
      new Object[] {"c2", "p1", "01151", "sao paulo", "SP"},
      new Object[] {"c3", "p1", "20000", "rio de janeiro", "RJ"},
      new Object[] {"c4", "p2", "30000", "belo horizonte", "MG"});
  private static final Dataset<Row> PRODUCTS = Frames.table("stg_products",
      new Object[] {"prod1", "bebes", 1, 1, 1, 100, 10, 10, 10});
  private static final Dataset<Row> SELLERS = Frames.table("stg_sellers",
      new Object[] {"sel1", "01151", "sao paulo", "SP"});

  private static Map<String, Row> build(Dataset<Row> orders, Dataset<Row> items) {
    return OrderItemsJoined.build(items, orders, CUSTOMERS, PRODUCTS, SELLERS).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0) + "#" + r.getInt(1), r -> r));
  }

  @Test
  void sequenceNumbersFollowPurchaseTimeWithTiesByOrderId() {
    Dataset<Row> orders = Frames.table("stg_orders",
        order("o2", "c1", "delivered", "2018-01-01 10:00:00", null, null, null, null),
        order("o1", "c2", "delivered", "2018-01-01 10:00:00", null, null, null, null),
        order("o0", "c3", "delivered", "2018-02-01 10:00:00", null, null, null, null),
        order("o9", "c4", "delivered", "2017-01-01 10:00:00", null, null, null, null));
    Dataset<Row> items = Frames.table("stg_order_items", item("o2", 1, "prod1", "sel1", "1.00"),
        item("o1", 1, "prod1", "sel1", "1.00"), item("o1", 2, "prod1", "sel1", "1.00"),
        item("o0", 1, "prod1", "sel1", "1.00"), item("o9", 1, "prod1", "sel1", "1.00"));
    Map<String, Row> rows = build(orders, items);
    assertEquals(1, (int) rows.get("o1#1").getAs(Columns.ORDER_SEQUENCE_NUMBER));
    assertEquals(1, (int) rows.get("o1#2").getAs(Columns.ORDER_SEQUENCE_NUMBER));
    assertEquals(2, (int) rows.get("o2#1").getAs(Columns.ORDER_SEQUENCE_NUMBER));
    assertEquals(3, (int) rows.get("o0#1").getAs(Columns.ORDER_SEQUENCE_NUMBER));
    assertEquals(1, (int) rows.get("o9#1").getAs(Columns.ORDER_SEQUENCE_NUMBER));
  }

  @Test
  void anOrderWithoutItemsIsNeitherARowNorAPurchaseInTheSequence() {
    // SPEC §3: o1 (unavailable, empty) is not the person's first purchase; o2 is, and o3 follows without a gap
    Dataset<Row> orders = Frames.table("stg_orders",
        order("o1", "c1", "unavailable", "2018-01-01 10:00:00", null, null, null, null),
        order("o2", "c2", "delivered", "2018-01-02 10:00:00", null, null, null, null),
        order("o4", "c1", "canceled", "2018-01-03 10:00:00", null, null, null, null),
        order("o3", "c3", "delivered", "2018-01-04 10:00:00", null, null, null, null));
    Map<String, Row> rows = build(orders, Frames.table("stg_order_items", item("o2", 1, "prod1", "sel1", "1.00"),
        item("o3", 1, "prod1", "sel1", "1.00"), item("o3", 2, "prod1", "sel1", "1.00")));
    assertEquals(3, rows.size());
    assertEquals(1, (int) rows.get("o2#1").getAs(Columns.ORDER_SEQUENCE_NUMBER));
    assertEquals(2, (int) rows.get("o3#1").getAs(Columns.ORDER_SEQUENCE_NUMBER));
    assertEquals(2, (int) rows.get("o3#2").getAs(Columns.ORDER_SEQUENCE_NUMBER));
  }

  @Test
  void unknownPersonHasNoSequenceNumber() {
    Dataset<Row> orders = Frames.table("stg_orders",
        order("o1", "missing", "delivered", "2018-01-01 10:00:00", null, null, null, null));
    Row r = build(orders, Frames.table("stg_order_items", item("o1", 1, "prod1", "sel1", "1.00"))).get("o1#1");
    assertNull(r.getAs(Columns.ORDER_SEQUENCE_NUMBER));
    assertNull(r.getAs(Columns.CUSTOMER_UNIQUE_ID));
  }

  @Test
  void deliveryMetricsAndDates() {
    Dataset<Row> orders = Frames.table("stg_orders",
        order("late", "c1", "delivered", "2018-01-31 23:59:00", "2018-02-01 01:00:00", "2018-02-02 10:00:00",
            "2018-02-10 08:00:00", "2018-02-09 00:00:00"),
        order("ontime", "c2", "delivered", "2018-01-01 10:00:00", null, null, "2018-01-09 23:00:00",
            "2018-01-09 00:00:00"),
        order("open", "c3", "shipped", "2018-03-01 10:00:00", "2018-03-01 11:00:00", "2018-03-02 09:00:00", null,
            "2018-03-02 00:00:00"));
    Map<String, Row> rows = build(orders, Frames.table("stg_order_items", item("late", 1, "prod1", "sel1", "1.00"),
        item("ontime", 1, "prod1", "sel1", "1.00"), item("open", 1, "prod1", "sel1", "1.00")));
    Row late = rows.get("late#1");
    assertEquals(Frames.date("2018-01-31"), late.getAs(Columns.ORDER_DATE));
    assertEquals("2018-01", late.getAs(Columns.ORDER_YEAR_MONTH));
    assertEquals(10, (int) late.getAs(Columns.DELIVERY_TIME_DAYS));
    assertTrue((Boolean) late.getAs(Columns.IS_DELAYED));
    assertEquals(ts("2018-02-10 08:00:00"), late.getAs(Columns.SOURCE_UPDATED_AT));
    Row ontime = rows.get("ontime#1");
    assertFalse((Boolean) ontime.getAs(Columns.IS_DELAYED), "same day as the estimate is not late");
    assertEquals(ts("2018-01-09 23:00:00"), ontime.getAs(Columns.SOURCE_UPDATED_AT), "nulls are skipped");
    Row open = rows.get("open#1");
    assertNull(open.getAs(Columns.DELIVERY_TIME_DAYS));
    assertFalse((Boolean) open.getAs(Columns.IS_DELAYED));
    assertEquals(ts("2018-03-02 09:00:00"), open.getAs(Columns.SOURCE_UPDATED_AT));
  }

  @Test
  void unknownKeysAreFlaggedAndTheHashSeesStatusChanges() {
    Dataset<Row> items = Frames.table("stg_order_items", item("o1", 1, "nope", "sel1", "1.00"),
        item("o1", 2, "prod1", "nope", "1.00"));
    Dataset<Row> before = Frames.table("stg_orders",
        order("o1", "c1", "approved", "2018-01-01 10:00:00", "2018-01-01 11:00:00", null, null, null));
    Dataset<Row> after = Frames.table("stg_orders",
        order("o1", "c1", "canceled", "2018-01-01 10:00:00", "2018-01-01 11:00:00", null, null, null));
    Map<String, Row> b = build(before, items);
    Map<String, Row> a = build(after, items);
    assertEquals(QualityRules.UNKNOWN_PRODUCT, b.get("o1#1").getAs(Columns.QUALITY_ISSUE_REASON));
    assertEquals(QualityRules.UNKNOWN_SELLER, b.get("o1#2").getAs(Columns.QUALITY_ISSUE_REASON));
    assertEquals((Object) b.get("o1#1").getAs(Columns.SOURCE_UPDATED_AT),
        a.get("o1#1").getAs(Columns.SOURCE_UPDATED_AT));
    assertNotEquals((String) b.get("o1#1").getAs(Columns.ROW_HASH), (String) a.get("o1#1").getAs(Columns.ROW_HASH),
        "a cancellation without a new timestamp changes the hash");
    assertEquals((String) b.get("o1#1").getAs(Columns.ROW_HASH),
        (String) build(before, items).get("o1#1").getAs(Columns.ROW_HASH));
  }

  @Test
  void aSellerThatAppearsChangesTheHashEvenWhenAnEarlierRuleKeepsTheReason() {
    Dataset<Row> orders = Frames.table("stg_orders",
        order("o1", "c1", "approved", "2018-01-01 10:00:00", "2018-01-01 11:00:00", null, null, null));
    Dataset<Row> items = Frames.table("stg_order_items", item("o1", 1, "prod1", "sel2", "0.00"));
    Dataset<Row> moreSellers = SELLERS.union(Frames.table("stg_sellers", new Object[] {"sel2", "20000", "rio", "RJ"}));
    Row unknown = build(orders, items).get("o1#1");
    Row known = OrderItemsJoined.build(items, orders, CUSTOMERS, PRODUCTS, moreSellers).first();
    assertEquals(QualityRules.ZERO_PRICE, unknown.getAs(Columns.QUALITY_ISSUE_REASON));
    assertEquals(QualityRules.ZERO_PRICE, known.getAs(Columns.QUALITY_ISSUE_REASON));
    assertNotEquals((String) unknown.getAs(Columns.ROW_HASH), (String) known.getAs(Columns.ROW_HASH),
        "the fact's seller_sk moves from -1 to the seller, so the row must be seen as changed");
  }

  @Test
  void matchesItsContractNamesAndTypes() {
    Dataset<Row> orders = Frames.table("stg_orders",
        order("o1", "c1", "delivered", "2018-01-01 10:00:00", null, null, null, null));
    Dataset<Row> out = OrderItemsJoined.build(Frames.table("stg_order_items", item("o1", 1, "prod1", "sel1", "1")),
        orders, CUSTOMERS, PRODUCTS, SELLERS);
    assertEquals(List.of(), ContractCheck.differences(
        ModelCatalog.get().table("int_sales__order_items_joined"), out.schema(), false));
  }

  @Test
  void coverageCountsWhatTheAntiJoinsCount() {
    Dataset<Row> orders = Frames.table("stg_orders",
        order("o1", "c1", "delivered", "2018-01-01 10:00:00", null, null, null, null),
        order("o2", "c2", "canceled", "2018-01-02 10:00:00", null, null, null, null),
        order("o3", "c3", "created", null, null, null, null, null),
        order("o4", "c4", "unavailable", null, null, null, null, null));
    Dataset<Row> items = Frames.table("stg_order_items", item("o1", 1, "prod1", "sel1", "1.00"),
        item("o1", 2, "prod1", "sel1", "1.00"), item("o3", 1, "prod1", "sel1", "1.00"),
        item("x9", 1, "prod1", "sel1", "1.00"), item("x9", 2, "prod1", "sel1", "1.00"));
    Row c = OrderItemsJoined.coverage(items, orders).first();
    // o2 and o4 have no line; o3 has no purchase time and x9 no order: three lines are not in the joined table
    assertEquals(5L, (long) c.getAs(OrderItemsJoined.ITEM_ROWS));
    assertEquals(2L, (long) c.getAs(OrderItemsJoined.ORDERS_WITHOUT_ITEMS));
    assertEquals(3L, (long) c.getAs(OrderItemsJoined.ITEMS_WITHOUT_ORDER));
    assertEquals(orders.join(items, Keys.of(Columns.ORDER_ID), "left_anti").count(),
        (long) c.getAs(OrderItemsJoined.ORDERS_WITHOUT_ITEMS));
    assertEquals(items.join(orders.filter(col(Columns.PURCHASE_TS).isNotNull()), Keys.of(Columns.ORDER_ID),
        "left_anti").count(), (long) c.getAs(OrderItemsJoined.ITEMS_WITHOUT_ORDER));
    Row none = OrderItemsJoined.coverage(items.limit(0), orders.limit(0)).first();
    assertEquals(List.of(0L, 0L, 0L), List.of(none.getLong(0), none.getLong(1), none.getLong(2)));
  }
}
