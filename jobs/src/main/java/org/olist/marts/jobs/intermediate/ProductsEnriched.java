package org.olist.marts.jobs.intermediate;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.olist.marts.common.spark.Keys;
import org.olist.marts.jobs.orderlines.Columns;

/**
 * {@code int_products__enriched} (SPEC §3): translated category with its fallbacks, volume, and the product
 * quality rules (first match wins): Missing Category, Missing Dimensions, Zero Weight.
 */
public final class ProductsEnriched {
  public static final String UNKNOWN = "unknown";
  public static final String MISSING_CATEGORY = "Missing Category";
  public static final String MISSING_DIMENSIONS = "Missing Dimensions";
  public static final String ZERO_WEIGHT = "Zero Weight";

  public static final String SOURCE_PHOTOS_QTY = "product_photos_qty";

  private ProductsEnriched() {
  }

  /** Length × height × width in cm³; null when any dimension is null. */
  public static Column volume() {
    return col(Columns.LENGTH).cast(DataTypes.LongType).multiply(col(Columns.HEIGHT)).multiply(col(Columns.WIDTH));
  }

  public static Column qualityIssue() {
    return when(col(Columns.PRODUCT_CATEGORY_NAME).isNull(), lit(MISSING_CATEGORY))
        .when(col(Columns.WEIGHT).isNull().or(col(Columns.LENGTH).isNull()).or(col(Columns.HEIGHT).isNull()).or(col(Columns.WIDTH).isNull()),
            lit(MISSING_DIMENSIONS))
        .when(col(Columns.WEIGHT).leq(0), lit(ZERO_WEIGHT));
  }

  public static Dataset<Row> build(Dataset<Row> products, Dataset<Row> translation) {
    Dataset<Row> joined = products.join(translation, Keys.of(Columns.PRODUCT_CATEGORY_NAME), "left");
    return joined.select(
        col(Columns.PRODUCT_ID),
        coalesce(col(Columns.PRODUCT_CATEGORY_NAME), lit(UNKNOWN)).alias(Columns.CATEGORY_PT),
        coalesce(col(Columns.PRODUCT_CATEGORY_NAME_EN), col(Columns.PRODUCT_CATEGORY_NAME), lit(UNKNOWN))
            .alias(Columns.CATEGORY_EN),
        col(Columns.WEIGHT), col(Columns.LENGTH), col(Columns.HEIGHT), col(Columns.WIDTH),
        volume().alias(Columns.VOLUME),
        col(SOURCE_PHOTOS_QTY).alias(Columns.PHOTOS_QTY),
        qualityIssue().isNull().alias(Columns.IS_VERIFIED),
        qualityIssue().alias(Columns.QUALITY_ISSUE_REASON));
  }
}
