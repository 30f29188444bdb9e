package org.olist.marts.jobs.warehouse;

/**
 * Mart columns that a later job reads besides the marts job (the rls job's secured copies): the keys, the RLS
 * target and the write stamp, defined once below both; the catalog holds the rest of each mart's schema.
 */
public final class MartColumns {
  public static final String CUSTOMER_SK = "customer_sk";
  public static final String PRODUCT_SK = "product_sk";
  public static final String SELLER_SK = "seller_sk";
  public static final String SELLER_STATE_CODE = "seller_state_code";
  public static final String CUSTOMER_STATE_CODE = "customer_state_code";
  public static final String LOADED_AT = "loaded_at";
  /** The key of each dimension's unknown member. */
  public static final long UNKNOWN_KEY = -1L;

  private MartColumns() {
  }
}
