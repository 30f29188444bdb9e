package org.olist.marts.jobs.intermediate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.to_date;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.olist.marts.common.spark.Keys;
import org.apache.spark.sql.expressions.Window;

/**
 * {@code int_customers__deduplicated} (SPEC §3): Olist issues a new customer_id per order; the person is
 * customer_unique_id. One row per person, located where their most recent order went.
 */
public final class CustomersDeduplicated {
  public static final String FIRST_ORDER_DATE = "first_order_date";
  public static final String LAST_ORDER_DATE = "last_order_date";
  public static final String ORDER_COUNT = "order_count";
  public static final String IS_REPEAT_BUYER = "is_repeat_buyer";
  private static final String RECENCY = "_recency";

  private CustomersDeduplicated() {
  }

  public static Dataset<Row> build(Dataset<Row> customers, Dataset<Row> orders) {
    Dataset<Row> personOrders = customers.filter(col(Columns.CUSTOMER_UNIQUE_ID).isNotNull())
        .join(orders.select(col(Columns.CUSTOMER_ID), col(Columns.ORDER_ID), col(Columns.PURCHASE_TS)),
            Keys.of(Columns.CUSTOMER_ID), "left")
        .withColumn(RECENCY, row_number().over(Window.partitionBy(col(Columns.CUSTOMER_UNIQUE_ID))
            .orderBy(col(Columns.PURCHASE_TS).desc_nulls_last(), col(Columns.ORDER_ID).desc_nulls_last(),
                col(Columns.CUSTOMER_ID).desc())));
    Dataset<Row> latest = personOrders.filter(col(RECENCY).equalTo(1)).select(
        col(Columns.CUSTOMER_UNIQUE_ID), col(Columns.CUSTOMER_CITY), col(Columns.CUSTOMER_STATE),
        col(Columns.CUSTOMER_ZIP));
    Dataset<Row> stats = personOrders.groupBy(col(Columns.CUSTOMER_UNIQUE_ID)).agg(
        min(to_date(col(Columns.PURCHASE_TS))).alias(FIRST_ORDER_DATE),
        max(to_date(col(Columns.PURCHASE_TS))).alias(LAST_ORDER_DATE),
        count_distinct(col(Columns.ORDER_ID)).alias(ORDER_COUNT));
    return latest.join(stats, Keys.of(Columns.CUSTOMER_UNIQUE_ID), "inner").select(
        col(Columns.CUSTOMER_UNIQUE_ID), col(Columns.CUSTOMER_CITY), col(Columns.CUSTOMER_STATE),
        col(Columns.CUSTOMER_ZIP), col(FIRST_ORDER_DATE), col(LAST_ORDER_DATE), col(ORDER_COUNT),
        col(ORDER_COUNT).gt(1).alias(IS_REPEAT_BUYER));
  }
}
