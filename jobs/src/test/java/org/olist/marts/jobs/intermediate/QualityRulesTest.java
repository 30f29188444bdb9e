package org.olist.marts.jobs.intermediate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.olist.marts.jobs.testing.Frames.money;
import static org.olist.marts.jobs.testing.Frames.ts;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.olist.marts.jobs.orderlines.Columns;
import org.olist.marts.jobs.testing.Frames;

class QualityRulesTest {
  private static final String DDL = "price decimal(12,2), order_status string, order_approved_at timestamp, "
      + "order_delivered_carrier_date timestamp, order_delivered_customer_date timestamp, "
      + "is_product_known boolean, is_seller_known boolean";

  private static Row check(String price, String status, String approved, String carrier, String delivered,
                           Boolean product, Boolean seller) {
    return QualityRules.apply(Frames.of(DDL,
        new Object[] {money(price), status, ts(approved), ts(carrier), ts(delivered), product, seller})).first();
  }

  private static String reason(Row r) {
    return r.getAs(Columns.QUALITY_ISSUE_REASON);
  }

  @Test
  void aCleanRowIsVerified() {
    Row r = check("10.00", "delivered", "2018-01-01 10:00:00", "2018-01-02 10:00:00", "2018-01-05 10:00:00",
        true, true);
    assertEquals(null, reason(r));
    assertTrue((Boolean) r.getAs(Columns.IS_VERIFIED));
  }

  @Test
  void zeroPrice() {
    assertEquals(QualityRules.ZERO_PRICE, reason(check("0.00", "delivered", null, null, null, null, null)));
    assertEquals(QualityRules.ZERO_PRICE, reason(check("-1.00", "shipped", null, null, null, true, true)));
  }

  @Test
  void ghostDelivery() {
    Row r = check("10.00", "delivered", "2018-01-01 10:00:00", "2018-01-02 10:00:00", null, true, true);
    assertEquals(QualityRules.GHOST_DELIVERY, reason(r));
    assertFalse((Boolean) r.getAs(Columns.IS_VERIFIED));
    assertEquals(null, reason(check("10.00", "shipped", "2018-01-01 10:00:00", null, null, true, true)));
  }

  @Test
  void arrivalBeforeShipping() {
    assertEquals(QualityRules.ARRIVAL_BEFORE_SHIPPING, reason(check("10.00", "delivered", "2018-01-01 10:00:00",
        "2018-01-03 10:00:00", "2018-01-02 10:00:00", true, true)));
  }

  @Test
  void arrivalBeforeApprovalWhenTheCarrierDateIsMissing() {
    assertEquals(QualityRules.ARRIVAL_BEFORE_APPROVAL, reason(check("10.00", "delivered", "2018-01-03 10:00:00",
        null, "2018-01-02 10:00:00", true, true)));
  }

  @Test
  void equalTimestampsAreNotAnIssue() {
    assertEquals(null, reason(check("10.00", "delivered", "2018-01-02 10:00:00", "2018-01-02 10:00:00",
        "2018-01-02 10:00:00", true, true)));
  }

  @Test
  void unknownProductBeforeUnknownSeller() {
    assertEquals(QualityRules.UNKNOWN_PRODUCT, reason(check("10.00", "shipped", null, null, null, null, null)));
    assertEquals(QualityRules.UNKNOWN_SELLER, reason(check("10.00", "shipped", null, null, null, true, null)));
  }

  @Test
  void theFirstRuleWins() {
    // zero price and ghost delivery and arrival before shipping all hold: rule 1 wins
    assertEquals(QualityRules.ZERO_PRICE, reason(check("0.00", "delivered", null, null, null, null, null)));
    // ghost delivery beats unknown product
    assertEquals(QualityRules.GHOST_DELIVERY, reason(check("5.00", "delivered", null, null, null, null, true)));
    // arrival before shipping beats arrival before approval
    assertEquals(QualityRules.ARRIVAL_BEFORE_SHIPPING, reason(check("5.00", "delivered", "2018-01-05 00:00:00",
        "2018-01-04 00:00:00", "2018-01-01 00:00:00", true, true)));
  }
}
