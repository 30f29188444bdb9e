package org.olist.marts.jobs.marts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.olist.marts.jobs.testing.Frames.money;
import static org.olist.marts.jobs.testing.Frames.ts;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.olist.marts.common.catalog.ModelCatalog;
import org.olist.marts.common.contract.ContractCheck;
import org.olist.marts.jobs.testing.Frames;
import org.olist.marts.jobs.testing.TestSpark;

class MartsTransformsTest {
  private static final ModelCatalog CATALOG = ModelCatalog.get();

  @Test
  void dimDateCoversEveryDayWithIsoWeekdays() {
    Dataset<Row> d = DimDate.build(TestSpark.spark(), LocalDate.of(2016, 1, 1), LocalDate.of(2020, 12, 31));
    assertEquals(1827, d.count());
    assertEquals(1827, d.select("date_sk").distinct().count());
    Row first = d.orderBy("date_sk").first();
    assertEquals(20160101, (int) first.getAs("date_sk"));
    assertEquals(5, (int) first.getAs("day_of_week"), "2016-01-01 was a Friday");
    assertEquals("Friday", first.getAs("day_name"));
    assertEquals("Q1", first.getAs("quarter_name"));
    assertEquals("January", first.getAs("month_name"));
    assertEquals(201601, (int) first.getAs("year_month_sort"));
    assertFalse((Boolean) first.getAs("is_weekend"));
    Row sunday = d.filter("date_day = date'2016-01-03'").first();
    assertEquals(7, (int) sunday.getAs("day_of_week"));
    assertTrue((Boolean) sunday.getAs("is_weekend"));
    assertEquals(List.of(), ContractCheck.differences(CATALOG.table("dim_date"), d.schema(), false));
  }

  @Test
  void dimensionsHaveStableKeysAndOneUnknownMember() {
    Dataset<Row> sellers = Frames.table("stg_sellers", new Object[] {"s1", "01151", "sao paulo", "SP"},
        new Object[] {"s2", "20000", "rio de janeiro", "RJ"});
    Dataset<Row> dim = Dimensions.sellers(sellers, CATALOG.table("dim_sellers"));
    Map<String, Long> keys = dim.collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(1), r -> r.getLong(0)));
    assertEquals(3, keys.size());
    assertEquals(SurrogateKeys.UNKNOWN, keys.get("unknown"));
    assertNotEquals(keys.get("s1"), keys.get("s2"));
    Map<String, Long> again = Dimensions.sellers(sellers, CATALOG.table("dim_sellers")).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(1), r -> r.getLong(0)));
    assertEquals(keys, again);
    assertEquals(List.of(), ContractCheck.differences(CATALOG.table("dim_sellers"), dim.schema(), false));
  }

  @Test
  void factForeignKeysResolveOrPointAtTheUnknownMember() {
    Dataset<Row> lines = Frames.table("int_sales__order_items_joined",
        line("o1", 1, "u1", "prod1", "s1"), line("o2", 1, null, "ghost", "nobody"));
    Dataset<Row> customers = Dimensions.customers(Frames.table("int_customers__deduplicated",
        new Object[] {"u1", "sao paulo", "SP", "01151", Frames.date("2018-01-01"), Frames.date("2018-01-01"), 1L,
            false}), CATALOG.table("dim_customers"));
    Dataset<Row> products = Dimensions.products(Frames.table("int_products__enriched",
        new Object[] {"prod1", "bebes", "baby", 1, 1, 1, 1, 1L, 1, true, null}), CATALOG.table("dim_products"));
    Dataset<Row> sellers = Dimensions.sellers(Frames.table("stg_sellers",
        new Object[] {"s1", "01151", "sao paulo", "SP"}), CATALOG.table("dim_sellers"));
    Timestamp loadedAt = Timestamp.valueOf("2026-01-01 00:00:00");
    Dataset<Row> fact = FactOrderItems.build(lines, customers, products, sellers, loadedAt);
    new JavaDataFrameSuiteBase().assertDataFrameNoOrderEquals(fact,
        FactOrderItems.build(lines, customers, products, sellers, loadedAt, true));
    assertEquals(List.of(), ContractCheck.differences(CATALOG.table("fct_order_items"), fact.schema(), false));
    Map<String, Row> rows = fact.collectAsList().stream().collect(Collectors.toMap(r -> r.getString(1), r -> r));
    Row known = rows.get("o1");
    assertNotEquals(SurrogateKeys.UNKNOWN, (long) known.getAs(Dimensions.CUSTOMER_SK));
    assertEquals(customers.filter("customer_unique_id = 'u1'").first().getLong(0),
        (long) known.getAs(Dimensions.CUSTOMER_SK));
    assertEquals(20180105, (int) known.getAs(FactOrderItems.ORDER_DATE_SK));
    assertEquals(money("10.00"), known.getAs(FactOrderItems.PRICE_BRL));
    Row unknown = rows.get("o2");
    assertEquals(SurrogateKeys.UNKNOWN, (long) unknown.getAs(Dimensions.CUSTOMER_SK));
    assertEquals(SurrogateKeys.UNKNOWN, (long) unknown.getAs(Dimensions.PRODUCT_SK));
    assertEquals(SurrogateKeys.UNKNOWN, (long) unknown.getAs(Dimensions.SELLER_SK));
    assertNotEquals((long) known.getAs(FactOrderItems.ORDER_ITEM_SK), (long) unknown.getAs(FactOrderItems.ORDER_ITEM_SK));
  }

  private static Object[] line(String order, int n, String person, String product, String seller) {
    return new Object[] {order, n, "c-" + order, person, product, seller, "delivered", ts("2018-01-05 10:00:00"),
        null, null, null, null, null, money("10.00"), money("1.00"), Frames.date("2018-01-05"), "2018-01", 1, null,
        false, ts("2018-01-05 10:00:00"), true, null, true, true, "hash-" + order};
  }
}
