package org.olist.marts.jobs.intermediate;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.olist.marts.jobs.intermediate.OrderItemsJoinedTest.item;
import static org.olist.marts.jobs.intermediate.OrderItemsJoinedTest.order;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.olist.marts.common.delta.ChangeFeed;
import org.olist.marts.jobs.testing.Frames;

class ChangedKeysTest {
  private static final Dataset<Row> CUSTOMERS = Frames.table("stg_customers",
      new Object[] {"c1", "p1", "01151", "sao paulo", "SP"},
      new Object[] {"c2", "p1", "01151", "sao paulo", "SP"},
      new Object[] {"c3", "p2", "20000", "rio de janeiro", "RJ"},
      new Object[] {"c4", "p3", "30000", "belo horizonte", "MG"},
      new Object[] {"c5", "p4", "40000", "curitiba", "PR"});
  private static final Dataset<Row> ORDERS = Frames.table("stg_orders",
      order("o1", "c1", "delivered", "2018-01-01 10:00:00", null, null, null, null),
      order("o2", "c2", "delivered", "2018-02-01 10:00:00", null, null, null, null),
      order("o3", "c3", "delivered", "2018-03-01 10:00:00", null, null, null, null),
      order("o4", "c4", "delivered", "2018-04-01 10:00:00", null, null, null, null),
      order("o5", "c5", "delivered", "2018-05-01 10:00:00", null, null, null, null));
  private static final Dataset<Row> ITEMS = Frames.table("stg_order_items",
      item("o1", 1, "prodA", "sel1", "1.00"), item("o2", 1, "prodB", "sel1", "1.00"),
      item("o3", 1, "prodB", "sel2", "1.00"), item("o4", 1, "prodC", "sel3", "1.00"),
      item("o5", 1, "prodC", "sel3", "1.00"));

  @Test
  void anOrderChangeTouchesItsPersonsWholeHistory() {
    Dataset<Row> orderChanges = feed("stg_orders", ChangeFeed.UPDATE_POSTIMAGE,
        order("o1", "c1", "canceled", "2018-01-01 10:00:00", null, null, null, null));
    Dataset<Row> touched = ChangedKeys.orders(ChangedKeys.ordersOfPersons(orderChanges, none("stg_order_items"),
        none("stg_customers"), ORDERS), none("stg_products"), none("stg_sellers"), ITEMS);
    assertEquals(Set.of("o1"), keys(touched));
    Dataset<Row> persons = ChangedKeys.persons(touched, orderChanges, none("stg_customers"), ORDERS, CUSTOMERS);
    assertEquals(Set.of("p1"), keys(persons));
    assertEquals(Set.of("o1", "o2"), keys(ChangedKeys.linesScope(touched, persons, ORDERS, CUSTOMERS)),
        "the other order of p1 is renumbered with it");
  }

  @Test
  void anOrderMovedToAnotherCustomerTouchesBothPersons() {
    Dataset<Row> orderChanges = feed("stg_orders", ChangeFeed.UPDATE_PREIMAGE,
        order("o3", "c3", "delivered", "2018-03-01 10:00:00", null, null, null, null))
        .union(feed("stg_orders", ChangeFeed.UPDATE_POSTIMAGE,
            order("o3", "c4", "delivered", "2018-03-01 10:00:00", null, null, null, null)));
    Dataset<Row> touched = ChangedKeys.ordersOfPersons(orderChanges, none("stg_order_items"), none("stg_customers"),
        ORDERS);
    assertEquals(Set.of("p2", "p3"),
        keys(ChangedKeys.persons(touched, orderChanges, none("stg_customers"), ORDERS, CUSTOMERS)));
  }

  @Test
  void aCustomerRowThatNamesAnotherPersonTouchesBothAndTheirOrders() {
    Dataset<Row> customerChanges = feed("stg_customers", ChangeFeed.UPDATE_PREIMAGE,
        new Object[] {"c3", "p2", "20000", "rio de janeiro", "RJ"})
        .union(feed("stg_customers", ChangeFeed.UPDATE_POSTIMAGE,
            new Object[] {"c3", "p3", "20000", "rio de janeiro", "RJ"}));
    Dataset<Row> touched = ChangedKeys.orders(ChangedKeys.ordersOfPersons(none("stg_orders"), none("stg_order_items"),
        customerChanges, ORDERS), none("stg_products"), none("stg_sellers"), ITEMS);
    assertEquals(Set.of("o3"), keys(touched));
    Dataset<Row> persons = ChangedKeys.persons(touched, none("stg_orders"), customerChanges, ORDERS, CUSTOMERS);
    assertEquals(Set.of("p2", "p3"), keys(persons));
    assertEquals(Set.of("o3", "o4"), keys(ChangedKeys.linesScope(touched, persons, ORDERS, CUSTOMERS)));
  }

  @Test
  void onlyAProductOrSellerThatAppearsOrGoesTouchesItsLines() {
    Dataset<Row> productChanges = feed("stg_products", ChangeFeed.INSERT,
        new Object[] {"prodB", "bebes", 1, 1, 1, 100, 10, 20, 30})
        .union(feed("stg_products", ChangeFeed.UPDATE_POSTIMAGE,
            new Object[] {"prodA", "bebes", 1, 1, 1, 100, 10, 20, 30}));
    Dataset<Row> sellerChanges = feed("stg_sellers", ChangeFeed.DELETE, new Object[] {"sel3", "40000", "curitiba",
        "PR"});
    Dataset<Row> ofPersons = ChangedKeys.ordersOfPersons(none("stg_orders"), none("stg_order_items"),
        none("stg_customers"), ORDERS);
    Dataset<Row> touched = ChangedKeys.orders(ofPersons, productChanges, sellerChanges, ITEMS);
    assertEquals(Set.of("o2", "o3", "o4", "o5"), keys(touched));
    // o2's person p1 also bought o1, whose lines and numbers stay as they are
    Dataset<Row> persons = ChangedKeys.persons(ofPersons, none("stg_orders"), none("stg_customers"), ORDERS,
        CUSTOMERS);
    assertEquals(Set.of(), keys(persons));
    assertEquals(Set.of("o2", "o3", "o4", "o5"), keys(ChangedKeys.linesScope(touched, persons, ORDERS, CUSTOMERS)));
  }

  @Test
  void aChangedTranslationTouchesTheProductsOfItsCategory() {
    Dataset<Row> products = Frames.table("stg_products",
        new Object[] {"prodA", "bebes", 1, 1, 1, 100, 10, 20, 30},
        new Object[] {"prodB", "perfumaria", 1, 1, 1, 100, 10, 20, 30},
        new Object[] {"prodC", "bebes", 1, 1, 1, 100, 10, 20, 30});
    Dataset<Row> translation = feed("stg_product_category_name_translation", ChangeFeed.UPDATE_POSTIMAGE,
        new Object[] {"bebes", "babies"});
    Dataset<Row> productChanges = feed("stg_products", ChangeFeed.DELETE,
        new Object[] {"prodD", "perfumaria", 1, 1, 1, 100, 10, 20, 30});
    assertEquals(Set.of("prodA", "prodC", "prodD"), keys(ChangedKeys.products(productChanges, translation,
        products)));
  }

  private static Dataset<Row> feed(String table, String changeType, Object[]... rows) {
    return Frames.table(table, rows).withColumn(ChangeFeed.CHANGE_TYPE, lit(changeType));
  }

  private static Dataset<Row> none(String table) {
    return feed(table, ChangeFeed.INSERT);
  }

  private static Set<String> keys(Dataset<Row> oneColumn) {
    return oneColumn.collectAsList().stream().map(r -> r.getString(0)).collect(Collectors.toCollection(TreeSet::new));
  }
}
