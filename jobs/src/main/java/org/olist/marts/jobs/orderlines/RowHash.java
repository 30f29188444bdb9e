package org.olist.marts.jobs.orderlines;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * The order line's change-detection hash: the intermediate job writes it, the marts job recomputes it for the
 * lines whose person-level sequence it renumbers. Both must hash alike, so it is defined here, below both.
 */
public final class RowHash {
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

  private RowHash() {
  }

  /** SHA-256 over the business columns; nulls and separators are marked so that no two rows collide by shape. */
  public static Column column() {
    Column[] parts = HASHED_COLUMNS.stream()
        .map(c -> KNOWN_FLAGS.contains(c) ? when(col(c), lit("true")) : col(c).cast(DataTypes.StringType))
        .map(c -> coalesce(c, lit(NULL_MARK)))
        .toArray(Column[]::new);
    return sha2(concat_ws(SEPARATOR, parts), 256);
  }
}
