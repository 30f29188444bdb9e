package org.olist.marts.jobs.intermediate;

import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.olist.marts.common.audit.Details;
import org.olist.marts.common.delta.ChangeFeed;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.delta.WriteRequest;
import org.olist.marts.common.job.InputChanges;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.JobMain;
import org.olist.marts.common.job.OlistJob;
import org.olist.marts.common.job.TableResult;
import org.olist.marts.common.spark.Keys;
import org.olist.marts.common.spark.Measured;
import org.olist.marts.jobs.orderlines.Columns;
import org.olist.marts.jobs.orderlines.MonthPrints;
import org.olist.marts.jobs.warehouse.PipelineJobs;
import org.olist.marts.jobs.warehouse.Tables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Intermediate (SPEC §3): reads staging, applies the business rules, writes the three int_ tables. A day's run costs
 * what the day changed (SPEC §4): a table whose staging inputs (its catalog lineage) are at the versions its published
 * version was built from is kept as it is; otherwise the keys the inputs' change feeds touch are recomputed and merged
 * ({@link ChangedKeys}), and a table is computed whole only when the feeds cannot say what changed.
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

    TableResult lines = ctx.writeFromChanges(Tables.ORDER_ITEMS_JOINED,
        changes -> lines(ctx, changes, orders, items, customers, products, sellers));
    if (!lines.unchanged()) {
      keepMonthPrints(ctx, lines.deltaVersion());
    }
    ctx.writeFromChanges(Tables.CUSTOMERS_DEDUPLICATED, changes -> persons(ctx, changes, customers, orders, items));
    ctx.writeFromChanges(Tables.PRODUCTS_ENRICHED, changes -> products(ctx, changes, products, translation));
  }

  /**
   * The order lines' write, with their coverage of the orders (logged and recorded): every line, or, from the day's
   * changes, the lines of the orders they touch ({@link ChangedKeys#linesScope}).
   */
  private static WriteRequest lines(JobContext ctx, InputChanges changes, Dataset<Row> orders, Dataset<Row> items,
                                    Dataset<Row> customers, Dataset<Row> products, Dataset<Row> sellers) {
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
    Details details = new OrderItemsJoined.Coverage(ordersWithoutItems, itemsWithoutOrder);
    if (changes.whole()) {
      return ctx.syncOf(Tables.ORDER_ITEMS_JOINED, OrderItemsJoined.build(items, orders, customers, products, sellers))
          .withRowsIn(itemRows).withDetails(details);
    }
    Dataset<Row> touched = ChangedKeys.orders(ordersOfPersons(ctx, changes, orders), changes.of(Tables.STG_PRODUCTS),
        changes.of(Tables.STG_SELLERS), items);
    // a product or seller that appeared or went changes its orders' lines, not their persons' histories
    Dataset<Row> persons = touchedPersons(ctx, changes, orders, customers);
    Dataset<Row> scope = kept(ctx, ChangedKeys.ordersOf(ctx.measured(ChangedKeys.customersOf(persons, customers)),
        touched, orders), "orders", Tables.ORDER_ITEMS_JOINED);
    Dataset<Row> scopedOrders = ctx.measured(orders.join(scope, Keys.of(Columns.ORDER_ID), "left_semi"));
    Dataset<Row> scopedItems = ctx.measured(items.join(scope, Keys.of(Columns.ORDER_ID), "left_semi"));
    // products and sellers only say whether a line's is known: those the lines name are enough
    Dataset<Row> next = OrderItemsJoined.build(scopedItems, scopedOrders,
        customers.join(scopedOrders.select(Columns.CUSTOMER_ID), Keys.of(Columns.CUSTOMER_ID), "left_semi"),
        products.join(scopedItems.select(Columns.PRODUCT_ID), Keys.of(Columns.PRODUCT_ID), "left_semi"),
        sellers.join(scopedItems.select(Columns.SELLER_ID), Keys.of(Columns.SELLER_ID), "left_semi"));
    return ctx.syncOf(Tables.ORDER_ITEMS_JOINED, next).scopedTo(scope).withRowsIn(itemRows).withDetails(details);
  }

  /**
   * The orders whose person's purchase history may differ ({@link ChangedKeys#ordersOfPersons}), measured: both
   * tables' scopes start from them (the second finds them in Spark's cache).
   */
  private static Dataset<Row> ordersOfPersons(JobContext ctx, InputChanges changes, Dataset<Row> orders) {
    return ctx.measured(ChangedKeys.ordersOfPersons(changes.of(Tables.STG_ORDERS), changes.of(Tables.STG_ORDER_ITEMS),
        changes.of(Tables.STG_CUSTOMERS), orders));
  }

  /**
   * The persons those orders touch ({@link ChangedKeys#persons}), measured after each of its two steps: the lines'
   * scope and the persons' table start from them.
   */
  private static Dataset<Row> touchedPersons(JobContext ctx, InputChanges changes, Dataset<Row> orders,
                                             Dataset<Row> customers) {
    return ctx.measured(ChangedKeys.personsOf(ctx.measured(ChangedKeys.customerIdsOf(
        ordersOfPersons(ctx, changes, orders), changes.of(Tables.STG_ORDERS), orders)),
        changes.of(Tables.STG_CUSTOMERS), customers));
  }

  /** The persons' write: every person, or, from the day's changes, the persons they touch. */
  private static WriteRequest persons(JobContext ctx, InputChanges changes, Dataset<Row> customers,
                                      Dataset<Row> orders, Dataset<Row> items) {
    if (changes.whole()) {
      return ctx.syncOf(Tables.CUSTOMERS_DEDUPLICATED, CustomersDeduplicated.build(customers, orders, items));
    }
    Dataset<Row> scope = kept(ctx, touchedPersons(ctx, changes, orders, customers), "persons",
        Tables.CUSTOMERS_DEDUPLICATED);
    Dataset<Row> ids = ctx.measured(ChangedKeys.customersOf(scope, customers));
    Dataset<Row> scopedOrders = ctx.measured(orders.join(ids, Keys.of(Columns.CUSTOMER_ID), "left_semi"));
    Dataset<Row> next = CustomersDeduplicated.build(
        customers.join(scope, Keys.of(Columns.CUSTOMER_UNIQUE_ID), "left_semi"), scopedOrders,
        items.join(scopedOrders.select(Columns.ORDER_ID), Keys.of(Columns.ORDER_ID), "left_semi"));
    return ctx.syncOf(Tables.CUSTOMERS_DEDUPLICATED, next).scopedTo(scope);
  }

  /** The products' write: every product, or, from the day's changes, the products they touch. */
  private static WriteRequest products(JobContext ctx, InputChanges changes, Dataset<Row> products,
                                       Dataset<Row> translation) {
    if (changes.whole()) {
      return ctx.syncOf(Tables.PRODUCTS_ENRICHED, ProductsEnriched.build(products, translation));
    }
    Dataset<Row> scope = kept(ctx, ChangedKeys.products(changes.of(Tables.STG_PRODUCTS),
        changes.of(Tables.STG_CATEGORY_TRANSLATION), products), "products", Tables.PRODUCTS_ENRICHED);
    return ctx.syncOf(Tables.PRODUCTS_ENRICHED, ProductsEnriched.build(
        products.join(scope, Keys.of(Columns.PRODUCT_ID), "left_semi"), translation)).scopedTo(scope);
  }

  /**
   * The keys a table recomputes, computed once (they are read twice: to build the rows and to compare them) and
   * measured (they filter whole tables: broadcast, not shuffled with them).
   */
  private static Dataset<Row> kept(JobContext ctx, Dataset<Row> keys, String what, String table) {
    Dataset<Row> once = ctx.measured(keys);
    LOG.info("Recomputing {} of {}: {} {} touched by the changes", table, what, once.count(), what);
    return once;
  }

  /**
   * The order lines' month prints for the version just written, kept for the fact's next MERGE: those of the version
   * before plus the change its feed shows when both can be read, otherwise scanned from the version. A write that
   * changed no row made no commit: its version's prints are kept already.
   */
  private static void keepMonthPrints(JobContext ctx, long version) {
    SparkSession spark = ctx.spark();
    String path = ctx.path(Tables.ORDER_ITEMS_JOINED);
    if (MonthPrints.read(spark, path, version).isPresent()) {
      return;
    }
    Optional<MonthPrints> before = version == 0 ? Optional.empty() : MonthPrints.read(spark, path, version - 1);
    MonthPrints prints = before.flatMap(b -> changeOf(spark, path, version).map(b::plus))
        .orElseGet(() -> MonthPrints.scan(DeltaTables.read(spark, path, version)));
    prints.write(spark, path, version);
  }

  private static Optional<MonthPrints> changeOf(SparkSession spark, String path, long version) {
    try {
      Dataset<Row> feed = ChangeFeed.between(spark, path, version - 1, version);
      try {
        return Optional.of(MonthPrints.changeOf(feed));
      } finally {
        Measured.release(feed);
      }
    } catch (ChangeFeed.Gap gap) {
      return Optional.empty();
    }
  }
}
