package org.olist.marts.jobs.intermediate;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.olist.marts.common.spark.Keys;
import org.olist.marts.jobs.orderlines.Columns;

/**
 * {@code int_sales__order_items_joined} (SPEC §3): order lines ⋈ orders ⋈ customers, with the derived
 * columns, the quality rules and the change-detection hash. Each derivation is its own function.
 */
public final class OrderItemsJoined {
  /**
   * Columns hashed into {@code row_hash}, in a fixed order (changing it changes every hash, so the next load
   * updates every row once). Whether the product and the seller are known is hashed too: it decides the fact's
   * foreign key (-1 or the real key) even when an earlier quality rule masks it in the reason.
   */
  public static final List<String> HASHED_COLUMNS = List.of(
      Columns.ORDER_ID, Columns.ORDER_ITEM_ID, Columns.CUSTOMER_ID, Columns.CUSTOMER_UNIQUE_ID,
      Columns.PRODUCT_ID, Columns.SELLER_ID, Columns.ORDER_STATUS, Columns.PURCHASE_TS, Columns.APPROVED_AT,
      Columns.DELIVERED_CARRIER, Columns.DELIVERED_CUSTOMER, Columns.ESTIMATED_DELIVERY, Columns.SHIPPING_LIMIT,
      Columns.PRICE, Columns.FREIGHT_VALUE, Columns.ORDER_DATE, Columns.ORDER_YEAR_MONTH,
      Columns.ORDER_SEQUENCE_NUMBER, Columns.DELIVERY_TIME_DAYS, Columns.IS_DELAYED, Columns.SOURCE_UPDATED_AT,
      Columns.IS_VERIFIED, Columns.QUALITY_ISSUE_REASON, Columns.IS_PRODUCT_KNOWN, Columns.IS_SELLER_KNOWN);
  /** Hashed as true-or-null, as before they were stored, so the hashes already in a fact stay valid. */
  private static final List<String> KNOWN_FLAGS = List.of(Columns.IS_PRODUCT_KNOWN, Columns.IS_SELLER_KNOWN);

  private static final String NULL_MARK = "\u0000";
  private static final String SEPARATOR = "\u0001";

  private OrderItemsJoined() {
  }

  /**
   * The orders that are purchases (SPEC §3): a purchase time and at least one line, i.e. the orders present in
   * the fact. An order without items (canceled or unavailable before anything was added) is not one.
   */
  public static Dataset<Row> purchases(Dataset<Row> orders, Dataset<Row> items) {
    return orders.filter(col(Columns.PURCHASE_TS).isNotNull())
        .join(items.select(col(Columns.ORDER_ID)), Keys.of(Columns.ORDER_ID), "left_semi");
  }

  /** The rank of an order among the person's purchases: 1 = first by purchase time, ties by order_id. */
  public static Column sequenceNumber() {
    return row_number().over(Window.partitionBy(col(Columns.CUSTOMER_UNIQUE_ID))
        .orderBy(col(Columns.PURCHASE_TS), col(Columns.ORDER_ID)));
  }

  /**
   * The {@link #purchases} with the person and the person's order sequence number ({@link #sequenceNumber};
   * null when the customer row is missing), so every person's lines in the fact are numbered 1..n.
   */
  public static Dataset<Row> purchasesWithSequence(Dataset<Row> orders, Dataset<Row> items,
                                                   Dataset<Row> customers) {
    Dataset<Row> withPerson = purchases(orders, items)
        .join(customers.select(col(Columns.CUSTOMER_ID), col(Columns.CUSTOMER_UNIQUE_ID)),
            Keys.of(Columns.CUSTOMER_ID), "left");
    return withPerson.withColumn(Columns.ORDER_SEQUENCE_NUMBER,
        when(col(Columns.CUSTOMER_UNIQUE_ID).isNotNull(), sequenceNumber()));
  }

  /** {@code order_date} and {@code order_year_month} from the purchase time (source wall clock). */
  public static Dataset<Row> withOrderDates(Dataset<Row> df) {
    return df.withColumn(Columns.ORDER_DATE, to_date(col(Columns.PURCHASE_TS)))
        .withColumn(Columns.ORDER_YEAR_MONTH, date_format(col(Columns.PURCHASE_TS), "yyyy-MM"));
  }

  /** Calendar days from the purchase date to the delivered date; null when not delivered. */
  public static Column deliveryTimeDays() {
    return datediff(to_date(col(Columns.DELIVERED_CUSTOMER)), to_date(col(Columns.PURCHASE_TS)));
  }

  /** Delivered date after the estimated delivery date; false when not delivered (or no estimate). */
  public static Column isDelayed() {
    return coalesce(to_date(col(Columns.DELIVERED_CUSTOMER)).gt(to_date(col(Columns.ESTIMATED_DELIVERY))),
        lit(false));
  }

  /** The latest non-null event timestamp of the order: purchase, approved, carrier, delivered. */
  public static Column sourceUpdatedAt() {
    return greatest(col(Columns.PURCHASE_TS), col(Columns.APPROVED_AT), col(Columns.DELIVERED_CARRIER),
        col(Columns.DELIVERED_CUSTOMER));
  }

  /** SHA-256 over the business columns; nulls and separators are marked so that no two rows collide by shape. */
  public static Column rowHash() {
    Column[] parts = HASHED_COLUMNS.stream()
        .map(c -> KNOWN_FLAGS.contains(c) ? when(col(c), lit("true")) : col(c).cast(DataTypes.StringType))
        .map(c -> coalesce(c, lit(NULL_MARK)))
        .toArray(Column[]::new);
    return sha2(concat_ws(SEPARATOR, parts), 256);
  }

  public static Dataset<Row> build(Dataset<Row> items, Dataset<Row> orders, Dataset<Row> customers,
                                   Dataset<Row> products, Dataset<Row> sellers) {
    Dataset<Row> ordersSeq = purchasesWithSequence(orders, items, customers);
    Dataset<Row> productKeys = products.select(col(Columns.PRODUCT_ID), lit(true).alias(Columns.IS_PRODUCT_KNOWN));
    Dataset<Row> sellerKeys = sellers.select(col(Columns.SELLER_ID), lit(true).alias(Columns.IS_SELLER_KNOWN));
    Dataset<Row> lines = items.join(ordersSeq, Keys.of(Columns.ORDER_ID), "inner")
        .join(productKeys, Keys.of(Columns.PRODUCT_ID), "left")
        .join(sellerKeys, Keys.of(Columns.SELLER_ID), "left")
        .withColumn(Columns.IS_PRODUCT_KNOWN, coalesce(col(Columns.IS_PRODUCT_KNOWN), lit(false)))
        .withColumn(Columns.IS_SELLER_KNOWN, coalesce(col(Columns.IS_SELLER_KNOWN), lit(false)));
    Dataset<Row> derived = withOrderDates(lines)
        .withColumn(Columns.DELIVERY_TIME_DAYS, deliveryTimeDays())
        .withColumn(Columns.IS_DELAYED, isDelayed())
        .withColumn(Columns.SOURCE_UPDATED_AT, sourceUpdatedAt());
    Dataset<Row> flagged = QualityRules.apply(derived);
    return flagged.withColumn(Columns.ROW_HASH, rowHash()).select(
        col(Columns.ORDER_ID), col(Columns.ORDER_ITEM_ID), col(Columns.CUSTOMER_ID), col(Columns.CUSTOMER_UNIQUE_ID),
        col(Columns.PRODUCT_ID), col(Columns.SELLER_ID), col(Columns.ORDER_STATUS), col(Columns.PURCHASE_TS),
        col(Columns.APPROVED_AT), col(Columns.DELIVERED_CARRIER), col(Columns.DELIVERED_CUSTOMER),
        col(Columns.ESTIMATED_DELIVERY), col(Columns.SHIPPING_LIMIT), col(Columns.PRICE), col(Columns.FREIGHT_VALUE),
        col(Columns.ORDER_DATE), col(Columns.ORDER_YEAR_MONTH), col(Columns.ORDER_SEQUENCE_NUMBER),
        col(Columns.DELIVERY_TIME_DAYS), col(Columns.IS_DELAYED), col(Columns.SOURCE_UPDATED_AT),
        col(Columns.IS_VERIFIED), col(Columns.QUALITY_ISSUE_REASON), col(Columns.IS_PRODUCT_KNOWN),
        col(Columns.IS_SELLER_KNOWN), col(Columns.ROW_HASH));
  }
}
