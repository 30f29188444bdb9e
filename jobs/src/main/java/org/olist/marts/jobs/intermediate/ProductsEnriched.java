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

  public static final String CATEGORY_PT = "category_name_pt";
  public static final String CATEGORY_EN = "category_name_en";
  public static final String WEIGHT = "product_weight_g";
  public static final String LENGTH = "product_length_cm";
  public static final String HEIGHT = "product_height_cm";
  public static final String WIDTH = "product_width_cm";
  public static final String VOLUME = "product_volume_cm3";
  public static final String PHOTOS_QTY = "photos_qty";
  public static final String SOURCE_PHOTOS_QTY = "product_photos_qty";

  private ProductsEnriched() {
  }

  /** Length × height × width in cm³; null when any dimension is null. */
  public static Column volume() {
    return col(LENGTH).cast(DataTypes.LongType).multiply(col(HEIGHT)).multiply(col(WIDTH));
  }

  public static Column qualityIssue() {
    return when(col(Columns.PRODUCT_CATEGORY_NAME).isNull(), lit(MISSING_CATEGORY))
        .when(col(WEIGHT).isNull().or(col(LENGTH).isNull()).or(col(HEIGHT).isNull()).or(col(WIDTH).isNull()),
            lit(MISSING_DIMENSIONS))
        .when(col(WEIGHT).leq(0), lit(ZERO_WEIGHT));
  }

  public static Dataset<Row> build(Dataset<Row> products, Dataset<Row> translation) {
    Dataset<Row> joined = products.join(translation, Keys.of(Columns.PRODUCT_CATEGORY_NAME), "left");
    return joined.select(
        col(Columns.PRODUCT_ID),
        coalesce(col(Columns.PRODUCT_CATEGORY_NAME), lit(UNKNOWN)).alias(CATEGORY_PT),
        coalesce(col(Columns.PRODUCT_CATEGORY_NAME_EN), col(Columns.PRODUCT_CATEGORY_NAME), lit(UNKNOWN))
            .alias(CATEGORY_EN),
        col(WEIGHT), col(LENGTH), col(HEIGHT), col(WIDTH),
        volume().alias(VOLUME),
        col(SOURCE_PHOTOS_QTY).alias(PHOTOS_QTY),
        qualityIssue().isNull().alias(Columns.IS_VERIFIED),
        qualityIssue().alias(Columns.QUALITY_ISSUE_REASON));
  }
}
