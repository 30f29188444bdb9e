package org.olist.marts.jobs.marts;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.olist.marts.common.spark.Keys;
import org.olist.marts.jobs.orderlines.Columns;
import org.olist.marts.jobs.orderlines.RowHash;

/**
 * Append mode (SPEC §4) continues the person-level figures of SPEC §3 from what is already loaded, because a
 * batch holds only new and changed orders: numbered on its own, a returning customer's new order would be
 * number 1 again and {@code dim_customers} would count only the batch. An order already in the fact keeps its
 * number; the batch's new purchases take the person's next numbers in purchase order (ties by order_id); a
 * person's order count and first/last order dates add the new purchases to the loaded ones. Every person's lines
 * therefore stay numbered 1..n with {@code order_count = n}; the numbers equal a full refresh's when new orders
 * arrive in purchase order, while a late order purchased before loaded ones takes the next number (loaded rows
 * are never renumbered; {@code --full-refresh} numbers everything by purchase time again).
 */
public final class PurchaseHistory {
  /** The number an order already has in the fact (null for a new purchase). */
  static final String LOADED_NUMBER = "_loaded_" + Columns.ORDER_SEQUENCE_NUMBER;
  private static final String LOADED_ORDERS = "_loaded_orders";
  private static final String NEW_RANK = "_new_rank";
  private static final String NEW_ORDERS = "_new_orders";
  private static final String NEW_FIRST = "_new_first";
  private static final String NEW_LAST = "_new_last";
  private static final String BATCH_LAST = "_batch_last";
  private static final String LOADED_LAST = "_loaded_last";
  private static final String LOADED_CITY = "_loaded_city";
  private static final String LOADED_STATE = "_loaded_state";
  private static final String LOADED_ZIP = "_loaded_zip";

  private PurchaseHistory() {
  }

  /** The orders the fact holds, with their person's key and number. */
  public static Dataset<Row> loaded(Dataset<Row> fact) {
    return fact.filter(col(Dimensions.CUSTOMER_SK).notEqual(SurrogateKeys.UNKNOWN))
        .select(col(Columns.ORDER_ID), col(Dimensions.CUSTOMER_SK), col(Columns.ORDER_SEQUENCE_NUMBER))
        .distinct();
  }

  /**
   * One row per purchase of a known person in {@code lines}: {@code order_id}, the person, purchase time and
   * date, {@link #LOADED_NUMBER} and the {@code order_sequence_number} it has once loaded.
   */
  public static Dataset<Row> numbered(Dataset<Row> lines, Dataset<Row> loaded) {
    Dataset<Row> orders = lines.filter(col(Columns.CUSTOMER_UNIQUE_ID).isNotNull())
        .select(col(Columns.ORDER_ID), col(Columns.CUSTOMER_UNIQUE_ID), col(Columns.PURCHASE_TS),
            col(Columns.ORDER_DATE))
        .distinct()
        .withColumn(Dimensions.CUSTOMER_SK, SurrogateKeys.of(Columns.CUSTOMER_UNIQUE_ID));
    // only the batch's persons matter: their loaded orders, not the whole fact's
    Dataset<Row> theirs = loaded.join(orders.select(col(Dimensions.CUSTOMER_SK)), Keys.of(Dimensions.CUSTOMER_SK),
        "left_semi");
    Dataset<Row> numbers = theirs.select(col(Columns.ORDER_ID),
        col(Columns.ORDER_SEQUENCE_NUMBER).alias(LOADED_NUMBER));
    Dataset<Row> offsets = theirs.groupBy(col(Dimensions.CUSTOMER_SK))
        .agg(max(col(Columns.ORDER_SEQUENCE_NUMBER)).alias(LOADED_ORDERS));
    Column rankAmongNew = row_number().over(Window
        .partitionBy(col(Columns.CUSTOMER_UNIQUE_ID), col(LOADED_NUMBER).isNull())
        .orderBy(col(Columns.PURCHASE_TS), col(Columns.ORDER_ID)));
    return orders.join(numbers, Keys.of(Columns.ORDER_ID), "left")
        .join(offsets, Keys.of(Dimensions.CUSTOMER_SK), "left")
        .withColumn(NEW_RANK, rankAmongNew)
        .withColumn(Columns.ORDER_SEQUENCE_NUMBER, coalesce(col(LOADED_NUMBER),
            coalesce(col(LOADED_ORDERS), lit(0)).plus(col(NEW_RANK))).cast("int"))
        .drop(LOADED_ORDERS, NEW_RANK);
  }

  /**
   * {@code lines} with the sequence numbers of {@link #numbered} (null for an unknown person, as in the
   * intermediate layer) and their {@code row_hash} computed again, so the fact keeps the hash of what it holds.
   */
  public static Dataset<Row> continueSequence(Dataset<Row> lines, Dataset<Row> numbered) {
    Column[] columns = Arrays.stream(lines.columns()).map(c -> col(c)).toArray(Column[]::new);
    return lines.drop(Columns.ORDER_SEQUENCE_NUMBER)
        .join(numbered.select(col(Columns.ORDER_ID), col(Columns.ORDER_SEQUENCE_NUMBER)), Keys.of(Columns.ORDER_ID),
            "left")
        .withColumn(Columns.ROW_HASH, RowHash.column())
        .select(columns);
  }

  /**
   * The batch's persons ({@code int_customers__deduplicated} rows) with their counts and dates continued from
   * {@code dimCustomers}: the loaded figures plus the batch's new purchases ({@link #numbered} rows without a
   * loaded number). The location is the batch's when the person is new or bought in the batch at the latest on
   * their loaded last order date; an order of theirs re-sent from further back (a late cancellation) keeps the
   * loaded location.
   */
  public static Dataset<Row> continueCustomers(Dataset<Row> batchPersons, Dataset<Row> dimCustomers,
                                               Dataset<Row> numbered) {
    Dataset<Row> newPurchases = numbered.filter(col(LOADED_NUMBER).isNull())
        .groupBy(col(Columns.CUSTOMER_UNIQUE_ID))
        .agg(count(lit(1)).alias(NEW_ORDERS), min(col(Columns.ORDER_DATE)).alias(NEW_FIRST),
            max(col(Columns.ORDER_DATE)).alias(NEW_LAST));
    Dataset<Row> before = dimCustomers.select(col(Columns.CUSTOMER_UNIQUE_ID),
        col(Columns.FIRST_ORDER_DATE), col(Columns.LAST_ORDER_DATE),
        col(Columns.ORDER_COUNT));
    Column orderCount = coalesce(col(Columns.ORDER_COUNT), lit(0L))
        .plus(coalesce(col(NEW_ORDERS), lit(0L)));
    Dataset<Row> loadedPlace = dimCustomers.select(col(Columns.CUSTOMER_UNIQUE_ID),
        col(Columns.CUSTOMER_CITY).alias(LOADED_CITY), col(Dimensions.CUSTOMER_STATE_CODE).alias(LOADED_STATE),
        col(Columns.CUSTOMER_ZIP).alias(LOADED_ZIP), col(Columns.LAST_ORDER_DATE).alias(LOADED_LAST));
    // a re-sent older order (a late cancellation) does not move the person: the batch's place counts when the
    // person is new, or the batch's latest purchase is not older than the loaded last one
    Column batchPlace = col(LOADED_LAST).isNull().or(col(BATCH_LAST).isNull())
        .or(col(BATCH_LAST).geq(col(LOADED_LAST)));
    return batchPersons.select(col(Columns.CUSTOMER_UNIQUE_ID), col(Columns.CUSTOMER_CITY),
            col(Columns.CUSTOMER_STATE), col(Columns.CUSTOMER_ZIP), col(Columns.LAST_ORDER_DATE).alias(BATCH_LAST))
        .join(loadedPlace, Keys.of(Columns.CUSTOMER_UNIQUE_ID), "left")
        .withColumn(Columns.CUSTOMER_CITY, when(batchPlace, col(Columns.CUSTOMER_CITY)).otherwise(col(LOADED_CITY)))
        .withColumn(Columns.CUSTOMER_STATE, when(batchPlace, col(Columns.CUSTOMER_STATE)).otherwise(col(LOADED_STATE)))
        .withColumn(Columns.CUSTOMER_ZIP, when(batchPlace, col(Columns.CUSTOMER_ZIP)).otherwise(col(LOADED_ZIP)))
        .join(before, Keys.of(Columns.CUSTOMER_UNIQUE_ID), "left")
        .join(newPurchases, Keys.of(Columns.CUSTOMER_UNIQUE_ID), "left")
        .select(col(Columns.CUSTOMER_UNIQUE_ID), col(Columns.CUSTOMER_CITY), col(Columns.CUSTOMER_STATE),
            col(Columns.CUSTOMER_ZIP),
            least(col(Columns.FIRST_ORDER_DATE), col(NEW_FIRST))
                .alias(Columns.FIRST_ORDER_DATE),
            greatest(col(Columns.LAST_ORDER_DATE), col(NEW_LAST))
                .alias(Columns.LAST_ORDER_DATE),
            orderCount.alias(Columns.ORDER_COUNT),
            orderCount.gt(1).alias(Columns.IS_REPEAT_BUYER));
  }
}
