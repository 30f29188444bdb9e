package org.olist.marts.jobs.marts;

import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.olist.marts.common.audit.Details;
import org.olist.marts.common.config.IncrementalMode;
import org.olist.marts.common.contract.ContractCheck;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.delta.WriteRequest;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.JobMain;
import org.olist.marts.common.job.OlistJob;
import org.olist.marts.common.job.Phases;
import org.olist.marts.jobs.marts.fact.FactLoader;
import org.olist.marts.common.spark.Keys;
import org.olist.marts.jobs.orderlines.Columns;
import org.olist.marts.jobs.orderlines.MonthPrints;
import org.olist.marts.jobs.warehouse.AuditDetail;
import org.olist.marts.jobs.warehouse.LoadMode;
import org.olist.marts.jobs.warehouse.PipelineJobs;
import org.olist.marts.jobs.warehouse.Tables;

/**
 * Marts (SPEC §3): the star schema. Every mart's frame is checked against its contract before the first one
 * is written, so a drift publishes nothing. Dimensions (Type 1) take the members of the source rows that changed;
 * {@code dim_date} is Type 0: written once, rebuilt only on a full refresh; the fact is loaded incrementally (SPEC §4).
 */
public final class MartsJob extends OlistJob {
  public static final String NAME = PipelineJobs.MARTS;

  /** Surrogate key of each Type 1 dimension: an append-mode batch's write is scoped to the batch's keys. */
  private static final Map<String, String> KEYS = Map.of(Tables.DIM_CUSTOMERS, Dimensions.CUSTOMER_SK,
      Tables.DIM_PRODUCTS, Dimensions.PRODUCT_SK, Tables.DIM_SELLERS, Dimensions.SELLER_SK);

  /**
   * A Type 1 dimension whose members are each a function of one row of its {@code source} (issue 33: a day's
   * changes to the source rewrite only their members): the source's natural key, and the members of source rows.
   */
  private record MemberRows(String source, String naturalKey, UnaryOperator<Dataset<Row>> rows) {
  }

  private static final Map<String, MemberRows> MEMBERS = Map.of(
      Tables.DIM_CUSTOMERS, new MemberRows(Tables.CUSTOMERS_DEDUPLICATED, Columns.CUSTOMER_UNIQUE_ID,
          Dimensions::customerRows),
      Tables.DIM_PRODUCTS, new MemberRows(Tables.PRODUCTS_ENRICHED, Columns.PRODUCT_ID, Dimensions::productRows),
      Tables.DIM_SELLERS, new MemberRows(Tables.STG_SELLERS, Columns.SELLER_ID, Dimensions::sellerRows));

  public static void main(String[] args) {
    JobMain.main(new MartsJob(), args);
  }

  /** An append-mode batch's dimension write: its members upserted (Type 1), the table's others kept. */
  private static final Details UPSERTED = () -> Details.of(AuditDetail.MODE, LoadMode.UPSERT.audit());

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected void execute(JobContext ctx) {
    Timestamp loadedAt = Timestamp.from(Instant.now());
    boolean append = ctx.config().incrementalMode() == IncrementalMode.APPEND && !ctx.config().fullRefresh();
    Phases phases = new Phases(ctx.spark().sparkContext(), NAME);
    Map<String, Dataset<Row>> lookups = new LinkedHashMap<>();
    Map<String, Dataset<Row>> marts = new LinkedHashMap<>();
    try {
      phases.start("plan");
      // the lines are read at one version, the one the intermediate job published (with the month prints it kept)
      String linesPath = ctx.path(Tables.ORDER_ITEMS_JOINED);
      long linesVersion = ctx.version(Tables.ORDER_ITEMS_JOINED)
          .orElseGet(() -> DeltaTables.version(ctx.spark(), linesPath));
      Batch batch = new Batch(DeltaTables.read(ctx.spark(), linesPath, linesVersion),
          ctx.read(Tables.CUSTOMERS_DEDUPLICATED));
      FactLoader loader = new FactLoader(ctx, ctx.table(Tables.FCT_ORDER_ITEMS));
      Optional<MonthPrints> linePrints = MonthPrints.read(ctx.spark(), linesPath, linesVersion);
      loader.refuseTruncatedSnapshot(batch.lines(), linePrints);
      if (append && ctx.config().backfillFrom().isEmpty() && ctx.exists(Tables.FCT_ORDER_ITEMS)
          && ctx.exists(Tables.DIM_CUSTOMERS)) {
        phases.start("continue the loaded history");
        batch = continued(ctx, loader, batch);
      }
      marts.putAll(dimensions(ctx, batch.persons()));
      boolean writeDimDate = marts.containsKey(Tables.DIM_DATE);
      // the fact's contract is checked before any mart is written (the loader checks it again on what it writes)
      ContractCheck.enforce(ctx.table(Tables.FCT_ORDER_ITEMS), FactOrderItems.build(batch.lines(),
          marts.get(Tables.DIM_CUSTOMERS), marts.get(Tables.DIM_PRODUCTS), marts.get(Tables.DIM_SELLERS), loadedAt)
          .schema(), false);
      phases.start("dimensions");
      marts.forEach((table, df) -> lookups.putAll(writeDimension(ctx, table, df, append)));
      if (!writeDimDate) {
        ctx.recordSkip(ctx.table(Tables.DIM_DATE).relativePath(), "Type 0 table exists; rebuilt only with "
            + "--full-refresh");
      }
      phases.start("fact");
      loader.load(batch.lines(), linePrints,
          (l, few) -> FactOrderItems.build(l, lookups.get(Tables.DIM_CUSTOMERS), lookups.get(Tables.DIM_PRODUCTS),
              lookups.get(Tables.DIM_SELLERS), loadedAt, few));
    } finally {
      phases.stop();
      marts.values().forEach(Dataset::unpersist);
    }
  }

  /** The order lines and persons the marts are built from. */
  private record Batch(Dataset<Row> lines, Dataset<Row> persons) {
  }

  /**
   * An append batch, numbered and counted on from what is loaded ({@link PurchaseHistory}); lines older than the
   * lookback are loaded too, and reported.
   */
  private static Batch continued(JobContext ctx, FactLoader loader, Batch batch) {
    loader.noteLateLines(batch.lines());
    Dataset<Row> numbered = PurchaseHistory.numbered(batch.lines(),
        PurchaseHistory.loaded(ctx.read(Tables.FCT_ORDER_ITEMS))).localCheckpoint(true);
    return new Batch(PurchaseHistory.continueSequence(batch.lines(), numbered),
        PurchaseHistory.continueCustomers(batch.persons(), ctx.read(Tables.DIM_CUSTOMERS), numbered));
  }

  /** The dimensions to write, conformed to their contracts; {@code dim_date} only on its first run and a refresh. */
  private static Map<String, Dataset<Row>> dimensions(JobContext ctx, Dataset<Row> persons) {
    Map<String, Dataset<Row>> marts = new LinkedHashMap<>();
    marts.put(Tables.DIM_CUSTOMERS, Dimensions.customers(persons, ctx.table(Tables.DIM_CUSTOMERS)));
    marts.put(Tables.DIM_PRODUCTS, Dimensions.products(ctx.read(Tables.PRODUCTS_ENRICHED),
        ctx.table(Tables.DIM_PRODUCTS)));
    marts.put(Tables.DIM_SELLERS, Dimensions.sellers(ctx.read(Tables.STG_SELLERS), ctx.table(Tables.DIM_SELLERS)));
    marts.replaceAll((table, df) -> ctx.conform(ctx.table(table), df));
    if (ctx.config().fullRefresh() || !DeltaTables.exists(ctx.spark(), ctx.path(Tables.DIM_DATE))) {
      marts.put(Tables.DIM_DATE, ctx.conform(ctx.table(Tables.DIM_DATE),
          DimDate.build(ctx.spark(), ctx.config().dimDateStart(), ctx.config().dimDateEnd())));
    }
    return marts;
  }

  /**
   * Writes one dimension and returns what the fact's lookups read for it: the table as written. A Type 1 dimension
   * is written by its difference: kept when its source did not change, otherwise only the members of the source
   * rows that changed (its source's feed), or every member when the feed cannot say ({@code computed_from=whole});
   * an append-mode batch upserts its members ({@code mode=upsert}), unless the source is the one the published
   * version was built from.
   */
  private static Map<String, Dataset<Row>> writeDimension(JobContext ctx, String table, Dataset<Row> df,
                                                          boolean append) {
    if (!KEYS.containsKey(table)) {
      ctx.publish(table, df);
      return Map.of();
    }
    if (append && ctx.exists(table)) {
      // the batch holds new and changed members only: scoped to its keys, the sync inserts and updates them (a
      // member equal to its row is left alone) and deletes none of the table's others; a source read at the version
      // the published dimension was built from holds nothing it lacks
      ctx.writeFrom(ctx.inputsOf(table), ctx.path(table), () -> {
        Dataset<Row> batchKeys = ctx.measured(df.select(KEYS.get(table)).distinct());
        return ctx.syncOf(table, df).scopedTo(batchKeys).withDetails(UPSERTED);
      });
      return Map.of(table, ctx.read(table));
    }
    ctx.writeFromChanges(table, changes -> changes.whole() ? ctx.syncOf(table, df)
        : changedMembers(ctx, table, changes.of(MEMBERS.get(table).source())));
    return Map.of(table, ctx.read(table));
  }

  /**
   * The write of the members of {@code table} whose source rows changed ({@code changes}: the source's feed), scoped
   * to their natural keys: a key gone from the source loses its member, the others are left as they are.
   */
  private static WriteRequest changedMembers(JobContext ctx, String table, Dataset<Row> changes) {
    MemberRows members = MEMBERS.get(table);
    Dataset<Row> keys = ctx.measured(changes.select(col(members.naturalKey()))
        .filter(col(members.naturalKey()).notEqual(UnknownMember.LABEL)).distinct());
    Dataset<Row> rows = members.rows().apply(ctx.read(members.source())
        .join(keys, Keys.of(members.naturalKey()), "left_semi"));
    return ctx.syncOf(table, rows).scopedTo(keys);
  }
}
