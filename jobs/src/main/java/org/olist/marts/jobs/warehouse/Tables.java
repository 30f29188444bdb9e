package org.olist.marts.jobs.warehouse;

import java.util.List;

/**
 * Names of the tables one job writes and a later job (or the status and docs jobs) reads, defined once below all of
 * them (the catalog holds their schemas; a name missing from it fails at {@code JobContext.table}).
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

  public static final String FCT_ORDER_ITEMS = "fct_order_items";
  public static final String DIM_CUSTOMERS = "dim_customers";
  public static final String DIM_PRODUCTS = "dim_products";
  public static final String DIM_SELLERS = "dim_sellers";
  public static final String DIM_DATE = "dim_date";

  public static final String RLS_USERS = "dim_security_rls";
  public static final String RLS_BRIDGE = "dim_rls_bridge";

  /**
   * The folder of the secured copies under the warehouse root, one folder per access set (SPEC §5; scripts/trino.sh
   * reads it too).
   */
  public static final String SECURE_DIR = "secure";
  /** The marts the rls job copies per access set: a copy holds the same columns as its mart. */
  public static final List<String> SECURED = List.of(FCT_ORDER_ITEMS, DIM_CUSTOMERS, DIM_SELLERS, DIM_PRODUCTS);

  public static final String TEST_RESULTS = "test_results";
  public static final String TEST_FAILURE_ROWS = "test_failure_rows";

  public static final String PROJECT_STATUS = "meta_project_status";
  public static final String SLI = "sli";

  private Tables() {
  }
}
