package org.olist.marts.jobs.intermediate;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.delta.WriteRequest;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.JobMain;
import org.olist.marts.common.job.OlistJob;
import org.olist.marts.common.job.TableResult;
import org.olist.marts.jobs.orderlines.MonthPrints;
import org.olist.marts.jobs.warehouse.PipelineJobs;
import org.olist.marts.jobs.warehouse.Tables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Intermediate (SPEC §3): reads staging, applies the business rules, writes the three int_ tables; a table whose
 * staging inputs (its catalog lineage) are at the versions its published version was built from is kept as it is
 * (issue 33).
 */
public final class IntermediateJob extends OlistJob {
  public static final String NAME = PipelineJobs.INTERMEDIATE;

  private static final Logger LOG = LoggerFactory.getLogger(IntermediateJob.class);

  public static void main(String[] args) {
    JobMain.main(new IntermediateJob(), args);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected void execute(JobContext ctx) {
    Dataset<Row> orders = ctx.read(Tables.STG_ORDERS);
    Dataset<Row> items = ctx.read(Tables.STG_ORDER_ITEMS);
    Dataset<Row> customers = ctx.read(Tables.STG_CUSTOMERS);
    Dataset<Row> products = ctx.read(Tables.STG_PRODUCTS);
    Dataset<Row> sellers = ctx.read(Tables.STG_SELLERS);
    Dataset<Row> translation = ctx.read(Tables.STG_CATEGORY_TRANSLATION);

    TableResult lines = ctx.writeFrom(ctx.inputsOf(Tables.ORDER_ITEMS_JOINED), ctx.path(Tables.ORDER_ITEMS_JOINED),
        () -> lines(ctx, orders, items, customers, products, sellers));
    if (!lines.unchanged()) {
      keepMonthPrints(ctx, lines.deltaVersion());
    }
    ctx.writeFrom(ctx.inputsOf(Tables.CUSTOMERS_DEDUPLICATED), ctx.path(Tables.CUSTOMERS_DEDUPLICATED),
        () -> ctx.overwriteOf(Tables.CUSTOMERS_DEDUPLICATED, CustomersDeduplicated.build(customers, orders, items)));
    ctx.writeFrom(ctx.inputsOf(Tables.PRODUCTS_ENRICHED), ctx.path(Tables.PRODUCTS_ENRICHED),
        () -> ctx.overwriteOf(Tables.PRODUCTS_ENRICHED, ProductsEnriched.build(products, translation)));
  }

  /** The order lines' write, with their coverage of the orders (logged and recorded). */
  private static WriteRequest lines(JobContext ctx, Dataset<Row> orders, Dataset<Row> items, Dataset<Row> customers,
                                    Dataset<Row> products, Dataset<Row> sellers) {
    Row coverage = OrderItemsJoined.coverage(items, orders).first();
    long ordersWithoutItems = coverage.getAs(OrderItemsJoined.ORDERS_WITHOUT_ITEMS);
    long itemsWithoutOrder = coverage.getAs(OrderItemsJoined.ITEMS_WITHOUT_ORDER);
    long itemRows = coverage.getAs(OrderItemsJoined.ITEM_ROWS);
    if (ordersWithoutItems > 0) {
      LOG.info("{} orders have no items: they are not in {}", ordersWithoutItems, Tables.ORDER_ITEMS_JOINED);
    }
    if (itemsWithoutOrder > 0) {
      LOG.warn("{} order lines have no order (or no purchase time) in stg_orders: they are not in {}",
          itemsWithoutOrder, Tables.ORDER_ITEMS_JOINED);
    }
    return ctx.overwriteOf(Tables.ORDER_ITEMS_JOINED, OrderItemsJoined.build(items, orders, customers, products,
            sellers))
        .withRowsIn(itemRows).withDetails(new OrderItemsJoined.Coverage(ordersWithoutItems, itemsWithoutOrder));
  }

  /** The order lines' month prints, read back from the version just written, kept for the fact's next MERGE. */
  private static void keepMonthPrints(JobContext ctx, long version) {
    String path = ctx.path(Tables.ORDER_ITEMS_JOINED);
    MonthPrints.scan(DeltaTables.read(ctx.spark(), path, version)).write(ctx.spark(), path, version);
  }
}
