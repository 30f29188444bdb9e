package org.olist.marts.jobs.intermediate;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.olist.marts.common.audit.Details;
import org.olist.marts.common.spark.Keys;
import org.olist.marts.jobs.orderlines.Columns;
import org.olist.marts.jobs.orderlines.RowHash;
import org.olist.marts.jobs.warehouse.AuditDetail;

/**
 * {@code int_sales__order_items_joined} (SPEC §3): order lines ⋈ orders ⋈ customers, with the derived
 * columns, the quality rules and the change-detection hash. Each derivation is its own function.
 */
public final class OrderItemsJoined {
  public static final String ITEM_ROWS = "item_rows";
  public static final String ORDERS_WITHOUT_ITEMS = AuditDetail.ORDERS_WITHOUT_ITEMS.key();
  public static final String ITEMS_WITHOUT_ORDER = AuditDetail.ITEMS_WITHOUT_ORDER.key();
  private static final String ORDER_ROWS = "order_rows";
  private static final String PURCHASED = "purchased";

  private OrderItemsJoined() {
  }

  /** The order lines' audit row: orders without lines and lines without a purchased order, both left out. */
  public record Coverage(long ordersWithoutItems, long itemsWithoutOrder) implements Details {
    @Override
    public Map<String, String> asMap() {
      return Details.of(AuditDetail.ORDERS_WITHOUT_ITEMS, ordersWithoutItems, AuditDetail.ITEMS_WITHOUT_ORDER,
          itemsWithoutOrder);
    }
  }

  /**
   * How the order lines cover the orders, as one row from one join of the per-order counts: {@link #ITEM_ROWS} (all
   * lines), {@link #ORDERS_WITHOUT_ITEMS} (order rows no line names) and {@link #ITEMS_WITHOUT_ORDER} (lines whose
   * order is missing or has no purchase time: they are not in the joined table). A null key matches nothing, as
   * in an anti-join.
   */
  public static Dataset<Row> coverage(Dataset<Row> items, Dataset<Row> orders) {
    Dataset<Row> lines = items.groupBy(col(Columns.ORDER_ID)).agg(count(lit(1)).as(ITEM_ROWS));
    Dataset<Row> heads = orders.groupBy(col(Columns.ORDER_ID)).agg(count(lit(1)).as(ORDER_ROWS),
        max(col(Columns.PURCHASE_TS).isNotNull()).as(PURCHASED));
    return lines.join(heads, Keys.of(Columns.ORDER_ID), "full_outer").agg(
        coalesce(sum(col(ITEM_ROWS)), lit(0L)).as(ITEM_ROWS),
        coalesce(sum(when(col(ITEM_ROWS).isNull(), col(ORDER_ROWS))), lit(0L)).as(ORDERS_WITHOUT_ITEMS),
        coalesce(sum(when(not(coalesce(col(PURCHASED), lit(false))), col(ITEM_ROWS))), lit(0L))
            .as(ITEMS_WITHOUT_ORDER));
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
    return flagged.withColumn(Columns.ROW_HASH, RowHash.column()).select(
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
