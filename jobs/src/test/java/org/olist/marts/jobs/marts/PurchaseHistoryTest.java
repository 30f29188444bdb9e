package org.olist.marts.jobs.marts;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;
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
import org.olist.marts.jobs.intermediate.OrderItemsJoined;
import org.olist.marts.jobs.orderlines.Columns;
import org.olist.marts.jobs.testing.Frames;
import org.olist.marts.jobs.testing.TestSpark;

/** Append mode numbers and counts a batch's purchases on from what the fact and dim_customers already hold. */
class PurchaseHistoryTest {
  private static long sk(String person) {
    return TestSpark.spark().range(1).select(xxhash64(lit(person))).first().getLong(0);
  }

  private static Object[] order(String id, String customer, String purchase) {
    return new Object[] {id, customer, "delivered", ts(purchase), null, null, null, null};
  }

  private static Object[] item(String order) {
    return new Object[] {order, 1, "prod1", "sel1", ts("2018-01-10 00:00:00"), money("10.00"), money("1.00")};
  }

  /** A batch: P re-sends B and brings D and E, R is new, an order of an unknown customer. */
  private static Dataset<Row> batchLines() {
    Dataset<Row> customers = Frames.table("stg_customers",
        new Object[] {"cB", "P", "01151", "sao paulo", "SP"}, new Object[] {"cD", "P", "01151", "sao paulo", "SP"},
        new Object[] {"cE", "P", "20000", "rio de janeiro", "RJ"},
        new Object[] {"cF", "R", "30000", "belo horizonte", "MG"});
    Dataset<Row> orders = Frames.table("stg_orders", order("B", "cB", "2017-02-01 10:00:00"),
        order("E", "cE", "2018-03-05 10:00:00"), order("D", "cD", "2018-03-01 10:00:00"),
        order("F", "cF", "2018-03-02 10:00:00"), order("G", "nobody", "2018-03-03 10:00:00"));
    Dataset<Row> items = Frames.table("stg_order_items", item("B"), item("D"), item("E"), item("F"), item("G"));
    return OrderItemsJoined.build(items, orders, customers, Frames.table("stg_products",
        new Object[] {"prod1", "bebes", 1, 1, 1, 100, 10, 10, 10}), Frames.table("stg_sellers",
        new Object[] {"sel1", "01151", "sao paulo", "SP"}));
  }

  /** The fact holds P's orders A (1) and B (2), and Q's order C (1). */
  private static Dataset<Row> loaded() {
    return Frames.of("order_id string, customer_sk bigint, order_sequence_number int",
        new Object[] {"A", sk("P"), 1}, new Object[] {"B", sk("P"), 2}, new Object[] {"C", sk("Q"), 1});
  }

  private static Map<String, Row> byOrder(Dataset<Row> lines) {
    return lines.collectAsList().stream().collect(Collectors.toMap(r -> r.getAs(Columns.ORDER_ID), r -> r));
  }

  @Test
  void loadedOrdersKeepTheirNumberAndNewOnesContinueInPurchaseOrder() {
    Dataset<Row> batch = batchLines();
    Dataset<Row> numbered = PurchaseHistory.numbered(batch, loaded());
    Map<String, Row> lines = byOrder(PurchaseHistory.continueSequence(batch, numbered));
    assertEquals(2, (int) lines.get("B").getAs(Columns.ORDER_SEQUENCE_NUMBER), "loaded: kept");
    assertEquals(3, (int) lines.get("D").getAs(Columns.ORDER_SEQUENCE_NUMBER));
    assertEquals(4, (int) lines.get("E").getAs(Columns.ORDER_SEQUENCE_NUMBER));
    assertEquals(1, (int) lines.get("F").getAs(Columns.ORDER_SEQUENCE_NUMBER), "a new person starts at 1");
    assertNull(lines.get("G").getAs(Columns.ORDER_SEQUENCE_NUMBER), "an unknown person has no number");
    assertEquals(List.of(batch.columns()), List.of(PurchaseHistory.continueSequence(batch, numbered).columns()));

    Map<String, Row> before = byOrder(batch);
    assertNotEquals((String) before.get("D").getAs(Columns.ROW_HASH), lines.get("D").getAs(Columns.ROW_HASH),
        "the hash covers the number the fact will hold");
    assertEquals((String) before.get("F").getAs(Columns.ROW_HASH), lines.get("F").getAs(Columns.ROW_HASH),
        "same number, same hash as the intermediate layer computes");
  }

  @Test
  void countsAndDatesAddTheNewPurchasesToTheLoadedOnes() {
    Dataset<Row> batch = batchLines();
    Dataset<Row> numbered = PurchaseHistory.numbered(batch, loaded());
    Dataset<Row> persons = Frames.table("int_customers__deduplicated",
        new Object[] {"P", "rio de janeiro", "RJ", "20000", Frames.date("2017-02-01"), Frames.date("2018-03-05"), 3L,
            true},
        new Object[] {"R", "belo horizonte", "MG", "30000", Frames.date("2018-03-02"), Frames.date("2018-03-02"), 1L,
            false});
    Dataset<Row> dim = Frames.of("customer_unique_id string, customer_city string, customer_state_code string, "
            + "customer_zip_code_prefix string, first_order_date date, last_order_date date, order_count bigint",
        new Object[] {"P", "curitiba", "PR", "80000", Frames.date("2017-01-15"), Frames.date("2017-02-01"), 2L},
        new Object[] {"Q", "recife", "PE", "50000", Frames.date("2017-05-01"), Frames.date("2017-05-01"), 1L});
    Map<String, Row> out = PurchaseHistory.continueCustomers(persons, dim, numbered).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getAs(Columns.CUSTOMER_UNIQUE_ID), r -> r));
    assertEquals(2, out.size(), "only the batch's persons are upserted");
    Row p = out.get("P");
    assertEquals(4L, (long) p.getAs(Columns.ORDER_COUNT), "A, B loaded + D, E new; B not twice");
    assertEquals(Frames.date("2017-01-15"), p.getAs(Columns.FIRST_ORDER_DATE));
    assertEquals(Frames.date("2018-03-05"), p.getAs(Columns.LAST_ORDER_DATE));
    assertTrue((Boolean) p.getAs(Columns.IS_REPEAT_BUYER));
    assertEquals("RJ", p.getAs(Columns.CUSTOMER_STATE), "P bought in the batch after the loaded orders: moved");
    Row r = out.get("R");
    assertEquals(1L, (long) r.getAs(Columns.ORDER_COUNT));
    assertFalse((Boolean) r.getAs(Columns.IS_REPEAT_BUYER));
  }

  /** A re-sent order from before the person's loaded last purchase (a late cancellation) does not move them. */
  @Test
  void aReSentOlderOrderKeepsTheLoadedLocation() {
    Dataset<Row> persons = Frames.table("int_customers__deduplicated",
        new Object[] {"Q", "olinda", "PE", "53000", Frames.date("2017-03-01"), Frames.date("2017-03-01"), 1L,
            false});
    Dataset<Row> dim = Frames.of("customer_unique_id string, customer_city string, customer_state_code string, "
            + "customer_zip_code_prefix string, first_order_date date, last_order_date date, order_count bigint",
        new Object[] {"Q", "recife", "PE", "50000", Frames.date("2017-03-01"), Frames.date("2017-05-01"), 2L});
    Dataset<Row> numbered = Frames.of("order_id string, customer_unique_id string, order_date date, "
        + PurchaseHistory.LOADED_NUMBER + " int", new Object[] {"Q1", "Q", Frames.date("2017-03-01"), 1});
    Row q = PurchaseHistory.continueCustomers(persons, dim, numbered).first();
    assertEquals("recife", q.getAs(Columns.CUSTOMER_CITY), "still where the latest loaded order went");
    assertEquals("50000", q.getAs(Columns.CUSTOMER_ZIP));
    assertEquals(2L, (long) q.getAs(Columns.ORDER_COUNT), "a re-sent order is no new purchase");
  }
}
