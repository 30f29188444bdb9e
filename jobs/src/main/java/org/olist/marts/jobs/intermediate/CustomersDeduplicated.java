package org.olist.marts.jobs.intermediate;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.to_date;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.olist.marts.common.spark.Keys;
import org.olist.marts.jobs.orderlines.Columns;

/**
 * {@code int_customers__deduplicated} (SPEC §3): Olist issues a new customer_id per order; the person is
 * customer_unique_id. One row per person, located where their most recent order went.
 */
public final class CustomersDeduplicated {
  private static final String RECENCY = "_recency";

  private CustomersDeduplicated() {
  }

  /**
   * Location from the person's most recent order of any kind; first/last order date and order count over the
   * person's purchases ({@link OrderItemsJoined#purchases}: orders with at least one line), null / 0 when none.
   */
  public static Dataset<Row> build(Dataset<Row> customers, Dataset<Row> orders, Dataset<Row> items) {
    Dataset<Row> persons = customers.filter(col(Columns.CUSTOMER_UNIQUE_ID).isNotNull());
    Dataset<Row> personOrders = persons
        .join(orders.select(col(Columns.CUSTOMER_ID), col(Columns.ORDER_ID), col(Columns.PURCHASE_TS)),
            Keys.of(Columns.CUSTOMER_ID), "left")
        .withColumn(RECENCY, row_number().over(Window.partitionBy(col(Columns.CUSTOMER_UNIQUE_ID))
            .orderBy(col(Columns.PURCHASE_TS).desc_nulls_last(), col(Columns.ORDER_ID).desc_nulls_last(),
                col(Columns.CUSTOMER_ID).desc())));
    Dataset<Row> latest = personOrders.filter(col(RECENCY).equalTo(1)).select(
        col(Columns.CUSTOMER_UNIQUE_ID), col(Columns.CUSTOMER_CITY), col(Columns.CUSTOMER_STATE),
        col(Columns.CUSTOMER_ZIP));
    Dataset<Row> stats = persons.select(col(Columns.CUSTOMER_ID), col(Columns.CUSTOMER_UNIQUE_ID))
        .join(OrderItemsJoined.purchases(orders, items)
            .select(col(Columns.CUSTOMER_ID), col(Columns.ORDER_ID), col(Columns.PURCHASE_TS)),
            Keys.of(Columns.CUSTOMER_ID), "inner")
        .groupBy(col(Columns.CUSTOMER_UNIQUE_ID)).agg(
            min(to_date(col(Columns.PURCHASE_TS))).alias(Columns.FIRST_ORDER_DATE),
            max(to_date(col(Columns.PURCHASE_TS))).alias(Columns.LAST_ORDER_DATE),
            count_distinct(col(Columns.ORDER_ID)).alias(Columns.ORDER_COUNT));
    Column orderCount = coalesce(col(Columns.ORDER_COUNT), lit(0L));
    return latest.join(stats, Keys.of(Columns.CUSTOMER_UNIQUE_ID), "left").select(
        col(Columns.CUSTOMER_UNIQUE_ID), col(Columns.CUSTOMER_CITY), col(Columns.CUSTOMER_STATE),
        col(Columns.CUSTOMER_ZIP), col(Columns.FIRST_ORDER_DATE), col(Columns.LAST_ORDER_DATE), orderCount.alias(Columns.ORDER_COUNT),
        orderCount.gt(1).alias(Columns.IS_REPEAT_BUYER));
  }
}
