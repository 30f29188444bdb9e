package org.olist.marts.jobs.intermediate;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.olist.marts.common.delta.ChangeFeed;
import org.olist.marts.common.spark.Keys;
import org.olist.marts.jobs.orderlines.Columns;

/**
 * The keys of the intermediate tables that a day's staging changes touch (issue 33: intermediate recomputes only
 * what the changes touch), from the staging change feeds (rows with {@link ChangeFeed#CHANGE_TYPE}; an update gives
 * its pre- and post-image, so a key's old values count as well as its new) and the current staging rows. Each set
 * is closed under the rule that reads it: a line's {@code order_sequence_number} reads the person's whole purchase
 * history, so every order of a touched person is recomputed, and a person a line or customer row left is touched too.
 */
public final class ChangedKeys {
  private ChangedKeys() {
  }

  /**
   * The orders whose lines may differ (one column, {@code order_id}, distinct): those whose person's purchase history
   * may differ ({@link #ordersOfPersons}), and an order with a line whose product or seller row appeared or went (a
   * line's {@code is_product_known} / {@code is_seller_known}: that order's lines only, no one's history).
   */
  public static Dataset<Row> orders(Dataset<Row> ofPersons, Dataset<Row> productChanges, Dataset<Row> sellerChanges,
                                    Dataset<Row> items) {
    Dataset<Row> ofProducts = items.join(appearedOrWent(productChanges, Columns.PRODUCT_ID),
        Keys.of(Columns.PRODUCT_ID), "left_semi").select(col(Columns.ORDER_ID));
    Dataset<Row> ofSellers = items.join(appearedOrWent(sellerChanges, Columns.SELLER_ID),
        Keys.of(Columns.SELLER_ID), "left_semi").select(col(Columns.ORDER_ID));
    return ofPersons.union(ofProducts).union(ofSellers).distinct();
  }

  /**
   * The orders whose person's purchase history may differ: an order or item row that changed, or an order whose
   * customer row changed.
   */
  public static Dataset<Row> ordersOfPersons(Dataset<Row> orderChanges, Dataset<Row> itemChanges,
                                             Dataset<Row> customerChanges, Dataset<Row> orders) {
    Dataset<Row> ofCustomers = orders.join(customerChanges.select(col(Columns.CUSTOMER_ID)),
        Keys.of(Columns.CUSTOMER_ID), "left_semi").select(col(Columns.ORDER_ID));
    return orderChanges.select(col(Columns.ORDER_ID)).union(itemChanges.select(col(Columns.ORDER_ID)))
        .union(ofCustomers).filter(col(Columns.ORDER_ID).isNotNull()).distinct();
  }

  /**
   * The persons ({@code customer_unique_id}, distinct) those orders touch: the person of each customer id the orders
   * name now or named before (a changed order's pre-image), and every person a customer row named before or names
   * now.
   */
  public static Dataset<Row> persons(Dataset<Row> touchedOrders, Dataset<Row> orderChanges,
                                     Dataset<Row> customerChanges, Dataset<Row> orders, Dataset<Row> customers) {
    return personsOf(customerIdsOf(touchedOrders, orderChanges, orders), customerChanges, customers);
  }

  /** The first step of {@link #persons}: the customer ids the orders name now or named before. */
  public static Dataset<Row> customerIdsOf(Dataset<Row> touchedOrders, Dataset<Row> orderChanges,
                                           Dataset<Row> orders) {
    return orders.join(touchedOrders, Keys.of(Columns.ORDER_ID), "left_semi").select(col(Columns.CUSTOMER_ID))
        .union(orderChanges.select(col(Columns.CUSTOMER_ID)));
  }

  /**
   * The second step of {@link #persons}: the persons of those customer ids, and those of the changed customer rows.
   */
  public static Dataset<Row> personsOf(Dataset<Row> customerIds, Dataset<Row> customerChanges,
                                       Dataset<Row> customers) {
    return customers.join(customerIds, Keys.of(Columns.CUSTOMER_ID), "left_semi")
        .select(col(Columns.CUSTOMER_UNIQUE_ID))
        .union(customerChanges.select(col(Columns.CUSTOMER_UNIQUE_ID)))
        .filter(col(Columns.CUSTOMER_UNIQUE_ID).isNotNull()).distinct();
  }

  /**
   * The orders whose lines are recomputed: the touched orders ({@link #orders}) and every order of a person whose
   * purchase history may differ ({@link #persons} of {@link #ordersOfPersons}).
   */
  public static Dataset<Row> linesScope(Dataset<Row> touchedOrders, Dataset<Row> persons, Dataset<Row> orders,
                                        Dataset<Row> customers) {
    return ordersOf(customersOf(persons, customers), touchedOrders, orders);
  }

  /**
   * The second step of {@link #linesScope}: the orders of the persons' customer ids ({@link #customersOf}), and the
   * touched orders.
   */
  public static Dataset<Row> ordersOf(Dataset<Row> customerIds, Dataset<Row> touchedOrders, Dataset<Row> orders) {
    return orders.join(customerIds, Keys.of(Columns.CUSTOMER_ID), "left_semi")
        .select(col(Columns.ORDER_ID)).union(touchedOrders).distinct();
  }

  /** The customer ids ({@code customer_id}) of the persons: a person holds one per order. */
  public static Dataset<Row> customersOf(Dataset<Row> persons, Dataset<Row> customers) {
    return customers.join(persons, Keys.of(Columns.CUSTOMER_UNIQUE_ID), "left_semi").select(col(Columns.CUSTOMER_ID));
  }

  /** The products whose enriched row may differ: a product row that changed, or its category's translation. */
  public static Dataset<Row> products(Dataset<Row> productChanges, Dataset<Row> translationChanges,
                                      Dataset<Row> products) {
    Dataset<Row> ofCategories = products.join(translationChanges.select(col(Columns.PRODUCT_CATEGORY_NAME)),
        Keys.of(Columns.PRODUCT_CATEGORY_NAME), "left_semi").select(col(Columns.PRODUCT_ID));
    return productChanges.select(col(Columns.PRODUCT_ID)).union(ofCategories)
        .filter(col(Columns.PRODUCT_ID).isNotNull()).distinct();
  }

  /** The keys of a dimension's feed that appeared or went (an insert or a delete, not an update of the key's row). */
  static Dataset<Row> appearedOrWent(Dataset<Row> changes, String key) {
    return changes.filter(col(ChangeFeed.CHANGE_TYPE).isin(ChangeFeed.INSERT, ChangeFeed.DELETE))
        .select(col(key));
  }
}
