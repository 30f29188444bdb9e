package org.olist.marts.jobs.marts;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Timestamp;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.olist.marts.common.spark.Keys;
import org.olist.marts.jobs.warehouse.MartColumns;
import org.olist.marts.jobs.orderlines.Columns;

/**
 * {@code fct_order_items}: the intermediate order lines aligned to the star — surrogate key, foreign keys
 * resolved against the dimensions (unknown member -1 when absent), money renamed to *_brl.
 */
public final class FactOrderItems {
  public static final String ORDER_ITEM_SK = "order_item_sk";
  public static final String ORDER_DATE_SK = "order_date_sk";
  public static final String PRICE_BRL = "price_brl";
  public static final String FREIGHT_VALUE_BRL = "freight_value_brl";
  public static final String LOADED_AT = MartColumns.LOADED_AT;

  private FactOrderItems() {
  }

  /** The fact's key from the order line's natural key: the same before and after the dimension lookups. */
  public static Column orderItemSk() {
    return SurrogateKeys.of(Columns.ORDER_ID, Columns.ORDER_ITEM_ID);
  }

  public static Dataset<Row> build(Dataset<Row> lines, Dataset<Row> dimCustomers, Dataset<Row> dimProducts,
                                   Dataset<Row> dimSellers, Timestamp loadedAt) {
    return build(lines, dimCustomers, dimProducts, dimSellers, loadedAt, false);
  }

  /**
   * As {@link #build(Dataset, Dataset, Dataset, Dataset, Timestamp)}; with {@code fewLines} (an incremental
   * batch, materialized) each dimension is first narrowed to the members the lines name, so that every lookup
   * is a broadcast of a few rows instead of a shuffle of the whole customer dimension or a broadcast of every
   * product.
   */
  public static Dataset<Row> build(Dataset<Row> lines, Dataset<Row> dimCustomers, Dataset<Row> dimProducts,
                                   Dataset<Row> dimSellers, Timestamp loadedAt, boolean fewLines) {
    Dataset<Row> customers = dimCustomers.filter(col(Dimensions.CUSTOMER_SK).notEqual(SurrogateKeys.UNKNOWN))
        .select(col(Columns.CUSTOMER_UNIQUE_ID), col(Dimensions.CUSTOMER_SK));
    Dataset<Row> products = dimProducts.filter(col(Dimensions.PRODUCT_SK).notEqual(SurrogateKeys.UNKNOWN))
        .select(col(Columns.PRODUCT_ID), col(Dimensions.PRODUCT_SK));
    Dataset<Row> sellers = dimSellers.filter(col(Dimensions.SELLER_SK).notEqual(SurrogateKeys.UNKNOWN))
        .select(col(Columns.SELLER_ID), col(Dimensions.SELLER_SK));
    if (fewLines) {
      customers = broadcast(namedBy(lines, customers, Columns.CUSTOMER_UNIQUE_ID));
      products = namedBy(lines, products, Columns.PRODUCT_ID);
      sellers = namedBy(lines, sellers, Columns.SELLER_ID);
    }
    Dataset<Row> joined = lines
        .join(customers, Keys.of(Columns.CUSTOMER_UNIQUE_ID), "left")
        .join(broadcast(products), Keys.of(Columns.PRODUCT_ID), "left")
        .join(broadcast(sellers), Keys.of(Columns.SELLER_ID), "left");
    return joined.select(
        orderItemSk().alias(ORDER_ITEM_SK),
        col(Columns.ORDER_ID),
        col(Columns.ORDER_ITEM_ID),
        SurrogateKeys.orUnknown(col(Dimensions.CUSTOMER_SK)).alias(Dimensions.CUSTOMER_SK),
        SurrogateKeys.orUnknown(col(Dimensions.PRODUCT_SK)).alias(Dimensions.PRODUCT_SK),
        SurrogateKeys.orUnknown(col(Dimensions.SELLER_SK)).alias(Dimensions.SELLER_SK),
        DimDate.dateKey(col(Columns.ORDER_DATE)).alias(ORDER_DATE_SK),
        col(Columns.ORDER_DATE),
        col(Columns.ORDER_YEAR_MONTH),
        col(Columns.ORDER_STATUS),
        col(Columns.PRICE).alias(PRICE_BRL),
        col(Columns.FREIGHT_VALUE).alias(FREIGHT_VALUE_BRL),
        col(Columns.ORDER_SEQUENCE_NUMBER),
        col(Columns.DELIVERY_TIME_DAYS),
        col(Columns.IS_DELAYED),
        col(Columns.IS_VERIFIED),
        col(Columns.QUALITY_ISSUE_REASON),
        col(Columns.SOURCE_UPDATED_AT),
        col(Columns.ROW_HASH),
        lit(loadedAt).alias(LOADED_AT));
  }

  /** The members of {@code dimension} that {@code lines} name by {@code key}. */
  private static Dataset<Row> namedBy(Dataset<Row> lines, Dataset<Row> dimension, String key) {
    return dimension.join(broadcast(lines.select(col(key)).distinct()), Keys.of(key), "left_semi");
  }
}
