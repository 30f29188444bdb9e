package org.olist.marts.jobs.intermediate;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.olist.marts.jobs.orderlines.Columns;

/**
 * The fact's quality rules of SPEC §3, in their order; the first that matches names the row's
 * {@code quality_issue_reason}, and {@code is_verified} means none matched. Comparisons with a null
 * timestamp never match.
 */
public final class QualityRules {
  public static final String ZERO_PRICE = "Zero Price";
  public static final String GHOST_DELIVERY = "Ghost Delivery";
  public static final String ARRIVAL_BEFORE_SHIPPING = "Arrival Before Shipping";
  public static final String ARRIVAL_BEFORE_APPROVAL = "Arrival Before Approval";
  public static final String UNKNOWN_PRODUCT = "Unknown Product";
  public static final String UNKNOWN_SELLER = "Unknown Seller";

  /** The ordered rules: (reason, condition). */
  public record Rule(String reason, Column matches) {
  }

  private QualityRules() {
  }

  public static List<Rule> rules() {
    Column delivered = col(Columns.DELIVERED_CUSTOMER);
    return List.of(
        new Rule(ZERO_PRICE, col(Columns.PRICE).leq(0)),
        new Rule(GHOST_DELIVERY, col(Columns.ORDER_STATUS).equalTo("delivered").and(delivered.isNull())),
        new Rule(ARRIVAL_BEFORE_SHIPPING, delivered.lt(col(Columns.DELIVERED_CARRIER))),
        new Rule(ARRIVAL_BEFORE_APPROVAL, delivered.lt(col(Columns.APPROVED_AT))),
        new Rule(UNKNOWN_PRODUCT, not(coalesce(col(Columns.IS_PRODUCT_KNOWN), lit(false)))),
        new Rule(UNKNOWN_SELLER, not(coalesce(col(Columns.IS_SELLER_KNOWN), lit(false)))));
  }

  /**
   * Adds {@code quality_issue_reason} and {@code is_verified}. Expects {@code is_product_known} and
   * {@code is_seller_known}: true when the key has a row in its dimension.
   */
  public static Dataset<Row> apply(Dataset<Row> lines) {
    Column reason = lit(null).cast("string");
    List<Rule> rules = rules();
    for (int i = rules.size() - 1; i >= 0; i--) {
      Rule r = rules.get(i);
      reason = when(coalesce(r.matches(), lit(false)), lit(r.reason())).otherwise(reason);
    }
    return lines.withColumn(Columns.QUALITY_ISSUE_REASON, reason)
        .withColumn(Columns.IS_VERIFIED, col(Columns.QUALITY_ISSUE_REASON).isNull());
  }
}
