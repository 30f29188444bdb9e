package org.olist.marts.jobs.testing;

import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.olist.marts.jobs.warehouse.Tables;

/** Compares the marts of a warehouse with the independent {@link OlistReference} figures. */
public final class MartsAssertions {
  private MartsAssertions() {
  }

  public static void assertMatchReference(OlistReference ref, Path wh) {
    Dataset<Row> fact = Pipeline.table(wh, "marts", Tables.FCT_ORDER_ITEMS).cache();

    assertEquals(ref.factRows, fact.count());
    Row money = fact.agg(sum("price_brl"), sum("freight_value_brl")).first();
    assertEquals(ref.price, money.getDecimal(0));
    assertEquals(ref.freight, money.getDecimal(1));
    Map<String, BigDecimal> price = new TreeMap<>();
    Map<String, BigDecimal> freight = new TreeMap<>();
    for (Row r : fact.groupBy("order_status").agg(sum("price_brl"), sum("freight_value_brl")).collectAsList()) {
      price.put(r.getString(0), r.getDecimal(1));
      freight.put(r.getString(0), r.getDecimal(2));
    }
    assertEquals(ref.pricePerStatus, price);
    assertEquals(ref.freightPerStatus, freight);
    Map<String, Long> reasons = new TreeMap<>();
    for (Row r : fact.groupBy("quality_issue_reason").count().collectAsList()) {
      reasons.put(r.isNullAt(0) ? "(verified)" : r.getString(0), r.getLong(1));
    }
    assertEquals(ref.reasons, reasons);
    assertEquals(ref.reasons.get("(verified)"), fact.filter("is_verified").count());
    assertEquals(ref.delayed, fact.filter("is_delayed").count());
    assertEquals(ref.laterOrders, fact.filter("order_sequence_number > 1").count());
    assertEquals(ref.distinctPersons, fact.filter("customer_sk != -1").select("customer_sk").distinct().count());
    Map<String, Integer> sequence = new HashMap<>();
    for (Row r : fact.filter("order_sequence_number is not null").select("order_id", "order_sequence_number")
        .distinct().collectAsList()) {
      assertNull(sequence.put(r.getString(0), r.getInt(1)), "one sequence number per order: " + r.getString(0));
    }
    assertEquals(ref.sequence, sequence, "every purchase numbered as the reference numbers it");

    Dataset<Row> customers = Pipeline.table(wh, "marts", Tables.DIM_CUSTOMERS).filter("customer_sk != -1");
    assertEquals(ref.persons, customers.count());
    assertEquals(ref.repeatBuyers, customers.filter("is_repeat_buyer").count());
    assertEquals(ref.purchases, customers.agg(sum("order_count")).first().getLong(0));
    assertEquals(ref.personsWithoutPurchases, customers.filter("order_count = 0").count());
    assertEquals(ref.personsWithoutPurchases, customers.filter("first_order_date is null").count());
    Dataset<Row> products = Pipeline.table(wh, "marts", Tables.DIM_PRODUCTS).filter("product_sk != -1");
    assertEquals(ref.products, products.count());
    assertEquals(ref.unknownCategories, products.filter("category_name_en = 'unknown'").count());
    assertEquals(ref.nullVolumes, products.filter("product_volume_cm3 is null").count());
    assertEquals(ref.sellers, Pipeline.table(wh, "marts", Tables.DIM_SELLERS).filter("seller_sk != -1").count());
    assertEquals(1827, Pipeline.table(wh, "marts", Tables.DIM_DATE).count());
    System.out.printf("Reference figures: %d fact rows, price %s, freight %s, reasons %s, delayed %d, later orders %d,"
            + " persons in fact %d, dim_customers %d (repeat %d, purchases %d, without purchase %d), dim_products %d"
            + " (unknown category %d, null volume %d), dim_sellers %d%n", ref.factRows, ref.price, ref.freight,
        ref.reasons, ref.delayed, ref.laterOrders, ref.distinctPersons, ref.persons, ref.repeatBuyers, ref.purchases,
        ref.personsWithoutPurchases, ref.products, ref.unknownCategories, ref.nullVolumes, ref.sellers);
    fact.unpersist();
  }
}
