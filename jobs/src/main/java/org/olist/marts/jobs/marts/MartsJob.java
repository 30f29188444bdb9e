package org.olist.marts.jobs.marts;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.JobMain;
import org.olist.marts.common.job.OlistJob;
import org.olist.marts.jobs.intermediate.IntermediateJob;

/**
 * Marts (SPEC §3): the star schema. Every mart's frame is checked against its contract before the first one
 * is written, so a drift publishes nothing. {@code dim_date} is Type 0: written once, rebuilt only on a
 * full refresh.
 */
public final class MartsJob extends OlistJob {
  public static final String NAME = "marts";
  public static final String FCT_ORDER_ITEMS = "fct_order_items";
  public static final String DIM_CUSTOMERS = "dim_customers";
  public static final String DIM_PRODUCTS = "dim_products";
  public static final String DIM_SELLERS = "dim_sellers";
  public static final String DIM_DATE = "dim_date";

  public static void main(String[] args) {
    JobMain.main(new MartsJob(), args);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected void execute(JobContext ctx) {
    Timestamp loadedAt = Timestamp.from(Instant.now());
    Map<String, Dataset<Row>> marts = new LinkedHashMap<>();
    Dataset<Row> customers = Dimensions.customers(ctx.read(IntermediateJob.CUSTOMERS_DEDUPLICATED),
        ctx.table(DIM_CUSTOMERS));
    Dataset<Row> products = Dimensions.products(ctx.read(IntermediateJob.PRODUCTS_ENRICHED), ctx.table(DIM_PRODUCTS));
    Dataset<Row> sellers = Dimensions.sellers(ctx.read("stg_sellers"), ctx.table(DIM_SELLERS));
    marts.put(DIM_CUSTOMERS, customers);
    marts.put(DIM_PRODUCTS, products);
    marts.put(DIM_SELLERS, sellers);
    String dimDatePath = ctx.warehouse().path(ctx.table(DIM_DATE));
    boolean writeDimDate = ctx.config().fullRefresh() || !DeltaTables.exists(ctx.spark(), dimDatePath);
    if (writeDimDate) {
      marts.put(DIM_DATE, DimDate.build(ctx.spark(), ctx.config().dimDateStart(), ctx.config().dimDateEnd()));
    }
    marts.put(FCT_ORDER_ITEMS, FactOrderItems.build(ctx.read(IntermediateJob.ORDER_ITEMS_JOINED),
        customers, products, sellers, loadedAt));

    marts.forEach((table, df) -> ctx.conform(ctx.table(table), df));
    marts.forEach(ctx::publish);
    if (!writeDimDate) {
      ctx.recordSkip("marts/" + DIM_DATE, "Type 0 table exists; rebuilt only with --full-refresh");
    }
  }
}
