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
 * is written, so a drift publishes nothing. Dimensions are rewritten each run (Type 1); {@code dim_date} is
 * Type 0: written once, rebuilt only on a full refresh; the fact is loaded incrementally (SPEC §4).
 */
public final class MartsJob extends OlistJob {
  public static final String NAME = "marts";
  public static final String FCT_ORDER_ITEMS = "fct_order_items";
  public static final String DIM_CUSTOMERS = "dim_customers";
  public static final String DIM_PRODUCTS = "dim_products";
  public static final String DIM_SELLERS = "dim_sellers";
  public static final String DIM_DATE = "dim_date";

  /** Surrogate key of each Type 1 dimension: the MERGE key when an append-mode batch upserts it. */
  private static final Map<String, String> KEYS = Map.of(DIM_CUSTOMERS, Dimensions.CUSTOMER_SK,
      DIM_PRODUCTS, Dimensions.PRODUCT_SK, DIM_SELLERS, Dimensions.SELLER_SK);

  public static void main(String[] args) {
    JobMain.main(new MartsJob(), args);
  }

  /**
   * Append mode: the batch holds only new and changed rows, so a dimension is upserted (Type 1) instead of
   * replaced, keeping the members older fact rows point at.
   */
  private static void upsert(JobContext ctx, String table, Dataset<Row> df, String key) {
    Instant start = Instant.now();
    String path = ctx.warehouse().path(ctx.table(table));
    io.delta.tables.DeltaTable.forPath(ctx.spark(), path).as("t")
        .merge(ctx.conform(ctx.table(table), df).as("s"), "t." + key + " = s." + key)
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        .execute();
    DeltaTables.Commit commit = DeltaTables.lastCommit(ctx.spark(), path);
    long rows = commit.metric("numTargetRowsInserted") + commit.metric("numTargetRowsUpdated");
    ctx.recordWrite("marts/" + table, start, rows, commit.version(), null, Map.of("mode", "upsert",
        "rows_inserted", Long.toString(commit.metric("numTargetRowsInserted")),
        "rows_updated", Long.toString(commit.metric("numTargetRowsUpdated"))));
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
    Dataset<Row> lines = ctx.read(IntermediateJob.ORDER_ITEMS_JOINED);
    marts.forEach((table, df) -> ctx.conform(ctx.table(table), df));
    ctx.conform(ctx.table(FCT_ORDER_ITEMS), FactOrderItems.build(lines, customers, products, sellers, loadedAt));
    boolean append = "append".equals(ctx.config().incrementalMode()) && !ctx.config().fullRefresh();
    marts.forEach((table, df) -> {
      if (append && KEYS.containsKey(table) && DeltaTables.exists(ctx.spark(), ctx.warehouse().path(ctx.table(table)))) {
        upsert(ctx, table, df, KEYS.get(table));
      } else {
        ctx.publish(table, df);
      }
    });
    if (!writeDimDate) {
      ctx.recordSkip("marts/" + DIM_DATE, "Type 0 table exists; rebuilt only with --full-refresh");
    }
    // the fact looks its keys up in the dimensions as written (complete also after an append-mode upsert)
    Dataset<Row> dimCustomers = ctx.read(DIM_CUSTOMERS);
    Dataset<Row> dimProducts = ctx.read(DIM_PRODUCTS);
    Dataset<Row> dimSellers = ctx.read(DIM_SELLERS);
    new FactLoader(ctx, ctx.table(FCT_ORDER_ITEMS)).load(lines,
        l -> FactOrderItems.build(l, dimCustomers, dimProducts, dimSellers, loadedAt));
  }
}
