package org.olist.marts.jobs.orderlines;

/** Column names shared by the intermediate and marts transforms, defined once. */
public final class Columns {
  public static final String ORDER_ID = "order_id";
  public static final String ORDER_ITEM_ID = "order_item_id";
  public static final String CUSTOMER_ID = "customer_id";
  public static final String CUSTOMER_UNIQUE_ID = "customer_unique_id";
  public static final String PRODUCT_ID = "product_id";
  public static final String SELLER_ID = "seller_id";
  public static final String ORDER_STATUS = "order_status";
  public static final String PURCHASE_TS = "order_purchase_timestamp";
  public static final String APPROVED_AT = "order_approved_at";
  public static final String DELIVERED_CARRIER = "order_delivered_carrier_date";
  public static final String DELIVERED_CUSTOMER = "order_delivered_customer_date";
  public static final String ESTIMATED_DELIVERY = "order_estimated_delivery_date";
  public static final String SHIPPING_LIMIT = "shipping_limit_date";
  public static final String PRICE = "price";
  public static final String FREIGHT_VALUE = "freight_value";
  public static final String ORDER_DATE = "order_date";
  public static final String ORDER_YEAR_MONTH = "order_year_month";
  public static final String ORDER_SEQUENCE_NUMBER = "order_sequence_number";
  public static final String DELIVERY_TIME_DAYS = "delivery_time_days";
  public static final String IS_DELAYED = "is_delayed";
  public static final String SOURCE_UPDATED_AT = "source_updated_at";
  public static final String IS_VERIFIED = "is_verified";
  public static final String QUALITY_ISSUE_REASON = "quality_issue_reason";
  public static final String IS_PRODUCT_KNOWN = "is_product_known";
  public static final String IS_SELLER_KNOWN = "is_seller_known";
  public static final String ROW_HASH = "row_hash";

  // the person (int_customers__deduplicated)
  public static final String FIRST_ORDER_DATE = "first_order_date";
  public static final String LAST_ORDER_DATE = "last_order_date";
  public static final String ORDER_COUNT = "order_count";
  public static final String IS_REPEAT_BUYER = "is_repeat_buyer";

  // the product (int_products__enriched)
  public static final String CATEGORY_PT = "category_name_pt";
  public static final String CATEGORY_EN = "category_name_en";
  public static final String WEIGHT = "product_weight_g";
  public static final String LENGTH = "product_length_cm";
  public static final String HEIGHT = "product_height_cm";
  public static final String WIDTH = "product_width_cm";
  public static final String VOLUME = "product_volume_cm3";
  public static final String PHOTOS_QTY = "photos_qty";
  public static final String CUSTOMER_ZIP = "customer_zip_code_prefix";
  public static final String CUSTOMER_CITY = "customer_city";
  public static final String CUSTOMER_STATE = "customer_state";
  public static final String PRODUCT_CATEGORY_NAME = "product_category_name";
  public static final String PRODUCT_CATEGORY_NAME_EN = "product_category_name_english";
  public static final String SELLER_ZIP = "seller_zip_code_prefix";
  public static final String SELLER_CITY = "seller_city";
  public static final String SELLER_STATE = "seller_state";

  private Columns() {
  }
}
