package org.olist.marts.jobs.orderlines;

/**
 * Names of the tables one job writes and a later job reads, defined once below both (the catalog holds their
 * schemas; a name missing from it fails at {@code JobContext.table}).
 */
public final class Tables {
  public static final String STG_ORDERS = "stg_orders";
  public static final String STG_ORDER_ITEMS = "stg_order_items";
  public static final String STG_CUSTOMERS = "stg_customers";
  public static final String STG_PRODUCTS = "stg_products";
  public static final String STG_SELLERS = "stg_sellers";
  public static final String STG_CATEGORY_TRANSLATION = "stg_product_category_name_translation";

  public static final String ORDER_ITEMS_JOINED = "int_sales__order_items_joined";
  public static final String CUSTOMERS_DEDUPLICATED = "int_customers__deduplicated";
  public static final String PRODUCTS_ENRICHED = "int_products__enriched";

  private Tables() {
  }
}
