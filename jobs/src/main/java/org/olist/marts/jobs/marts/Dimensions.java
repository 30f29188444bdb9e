package org.olist.marts.jobs.marts;

import static org.apache.spark.sql.functions.col;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.jobs.orderlines.Columns;
import org.olist.marts.jobs.warehouse.MartColumns;

/** The Type 1 dimensions (SPEC §3 marts): renaming, surrogate keys and the unknown member; no new logic. */
public final class Dimensions {
  public static final String CUSTOMER_SK = MartColumns.CUSTOMER_SK;
  public static final String PRODUCT_SK = MartColumns.PRODUCT_SK;
  public static final String SELLER_SK = MartColumns.SELLER_SK;
  public static final String CUSTOMER_STATE_CODE = MartColumns.CUSTOMER_STATE_CODE;
  public static final String SELLER_STATE_CODE = MartColumns.SELLER_STATE_CODE;
  public static final String UNKNOWN_MEMBER_REASON = "Unknown Member";

  private Dimensions() {
  }

  public static Dataset<Row> customers(Dataset<Row> deduplicated, TableModel model) {
    return customerRows(deduplicated).unionByName(UnknownMember.of(deduplicated.sparkSession(), model, Map.of(
        CUSTOMER_SK, SurrogateKeys.UNKNOWN,
        Columns.CUSTOMER_UNIQUE_ID, UnknownMember.LABEL,
        Columns.ORDER_COUNT, 0L,
        Columns.IS_REPEAT_BUYER, false)));
  }

  /** The members of {@code dim_customers} (no unknown member): one per person, a function of the person's row. */
  public static Dataset<Row> customerRows(Dataset<Row> deduplicated) {
    return deduplicated.select(
        SurrogateKeys.of(Columns.CUSTOMER_UNIQUE_ID).alias(CUSTOMER_SK),
        col(Columns.CUSTOMER_UNIQUE_ID),
        col(Columns.CUSTOMER_CITY),
        col(Columns.CUSTOMER_STATE).alias(CUSTOMER_STATE_CODE),
        col(Columns.CUSTOMER_ZIP),
        col(Columns.FIRST_ORDER_DATE),
        col(Columns.LAST_ORDER_DATE),
        col(Columns.ORDER_COUNT),
        col(Columns.IS_REPEAT_BUYER));
  }

  public static Dataset<Row> products(Dataset<Row> enriched, TableModel model) {
    return productRows(enriched).unionByName(UnknownMember.of(enriched.sparkSession(), model, Map.of(
        PRODUCT_SK, SurrogateKeys.UNKNOWN,
        Columns.PRODUCT_ID, UnknownMember.LABEL,
        Columns.CATEGORY_PT, UnknownMember.LABEL,
        Columns.CATEGORY_EN, UnknownMember.LABEL,
        Columns.IS_VERIFIED, false,
        Columns.QUALITY_ISSUE_REASON, UNKNOWN_MEMBER_REASON)));
  }

  /** The members of {@code dim_products} (no unknown member), a function of each enriched product row. */
  public static Dataset<Row> productRows(Dataset<Row> enriched) {
    return enriched.select(
        SurrogateKeys.of(Columns.PRODUCT_ID).alias(PRODUCT_SK),
        col(Columns.PRODUCT_ID),
        col(Columns.CATEGORY_PT),
        col(Columns.CATEGORY_EN),
        col(Columns.WEIGHT),
        col(Columns.LENGTH),
        col(Columns.HEIGHT),
        col(Columns.WIDTH),
        col(Columns.VOLUME),
        col(Columns.PHOTOS_QTY),
        col(Columns.IS_VERIFIED),
        col(Columns.QUALITY_ISSUE_REASON));
  }

  public static Dataset<Row> sellers(Dataset<Row> stagedSellers, TableModel model) {
    return sellerRows(stagedSellers).unionByName(UnknownMember.of(stagedSellers.sparkSession(), model, Map.of(
        SELLER_SK, SurrogateKeys.UNKNOWN,
        Columns.SELLER_ID, UnknownMember.LABEL)));
  }

  /** The members of {@code dim_sellers} (no unknown member), a function of each staged seller row. */
  public static Dataset<Row> sellerRows(Dataset<Row> stagedSellers) {
    return stagedSellers.select(
        SurrogateKeys.of(Columns.SELLER_ID).alias(SELLER_SK),
        col(Columns.SELLER_ID),
        col(Columns.SELLER_CITY),
        col(Columns.SELLER_STATE).alias(SELLER_STATE_CODE),
        col(Columns.SELLER_ZIP));
  }
}
