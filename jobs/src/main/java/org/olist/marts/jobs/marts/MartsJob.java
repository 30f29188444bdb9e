package org.olist.marts.jobs.marts;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.olist.marts.common.config.IncrementalMode;
import org.olist.marts.common.contract.ContractCheck;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.delta.MergeSpec;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.JobMain;
import org.olist.marts.common.job.OlistJob;
import org.olist.marts.jobs.marts.fact.FactLoader;
import org.olist.marts.jobs.orderlines.MonthPrints;
import org.olist.marts.jobs.warehouse.PipelineJobs;
import org.olist.marts.jobs.warehouse.Tables;

/**
 * Marts (SPEC §3): the star schema. Every mart's frame is checked against its contract before the first one
 * is written, so a drift publishes nothing. Dimensions are rewritten each run (Type 1); {@code dim_date} is
 * Type 0: written once, rebuilt only on a full refresh; the fact is loaded incrementally (SPEC §4).
 */
public final class MartsJob extends OlistJob {
  public static final String NAME = PipelineJobs.MARTS;

  /** Surrogate key of each Type 1 dimension: the MERGE key when an append-mode batch upserts it. */
  private static final Map<String, String> KEYS = Map.of(Tables.DIM_CUSTOMERS, Dimensions.CUSTOMER_SK,
      Tables.DIM_PRODUCTS, Dimensions.PRODUCT_SK, Tables.DIM_SELLERS, Dimensions.SELLER_SK);

  public static void main(String[] args) {
    JobMain.main(new MartsJob(), args);
  }

  /**
   * Append mode: the batch holds only new and changed rows, so a dimension is upserted (Type 1) instead of
   * replaced, keeping the members older fact rows point at.
   */
  private static void upsert(JobContext ctx, String table, Dataset<Row> df, String key) {
    Instant start = Instant.now();
    DeltaTables.Commit commit = ctx.merge(ctx.table(table), MergeSpec.upsert(ctx.conform(ctx.table(table), df), key));
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
    boolean append = ctx.config().incrementalMode() == IncrementalMode.APPEND && !ctx.config().fullRefresh();
    // the lines are read at one version, the one the intermediate job published (with the month prints it kept)
    String linesPath = ctx.path(Tables.ORDER_ITEMS_JOINED);
    long linesVersion = ctx.version(Tables.ORDER_ITEMS_JOINED)
        .orElseGet(() -> DeltaTables.version(ctx.spark(), linesPath));
    Dataset<Row> lines = DeltaTables.read(ctx.spark(), linesPath, linesVersion);
    Dataset<Row> persons = ctx.read(Tables.CUSTOMERS_DEDUPLICATED);
    FactLoader loader = new FactLoader(ctx, ctx.table(Tables.FCT_ORDER_ITEMS));
    Optional<MonthPrints> linePrints = MonthPrints.read(ctx.spark(), linesPath, linesVersion);
    loader.refuseTruncatedSnapshot(lines, linePrints);
    if (append && ctx.config().backfillFrom().isEmpty()
        && ctx.exists(Tables.FCT_ORDER_ITEMS)
        && ctx.exists(Tables.DIM_CUSTOMERS)) {
      // an append batch, numbered and counted on from what is loaded; lines older than the lookback are loaded
      // too, and reported
      loader.noteLateLines(lines);
      Dataset<Row> numbered = PurchaseHistory.numbered(lines, PurchaseHistory.loaded(ctx.read(Tables.FCT_ORDER_ITEMS)))
          .localCheckpoint(true);
      lines = PurchaseHistory.continueSequence(lines, numbered);
      persons = PurchaseHistory.continueCustomers(persons, ctx.read(Tables.DIM_CUSTOMERS), numbered);
    }
    // a replaced dimension is kept in memory while it is written, so that the fact's lookups read no table;
    // an upserted one is read back (the batch holds only part of it)
    Map<String, Dataset<Row>> marts = new LinkedHashMap<>();
    marts.put(Tables.DIM_CUSTOMERS, Dimensions.customers(persons, ctx.table(Tables.DIM_CUSTOMERS)));
    marts.put(Tables.DIM_PRODUCTS, Dimensions.products(ctx.read(Tables.PRODUCTS_ENRICHED),
        ctx.table(Tables.DIM_PRODUCTS)));
    marts.put(Tables.DIM_SELLERS, Dimensions.sellers(ctx.read(Tables.STG_SELLERS), ctx.table(Tables.DIM_SELLERS)));
    marts.replaceAll((table, df) -> ctx.conform(ctx.table(table), df));
    String dimDatePath = ctx.path(Tables.DIM_DATE);
    boolean writeDimDate = ctx.config().fullRefresh() || !DeltaTables.exists(ctx.spark(), dimDatePath);
    if (writeDimDate) {
      marts.put(Tables.DIM_DATE, ctx.conform(ctx.table(Tables.DIM_DATE),
          DimDate.build(ctx.spark(), ctx.config().dimDateStart(), ctx.config().dimDateEnd())));
    }
    // the fact's contract is checked before any mart is written (the loader checks it again on what it writes)
    ContractCheck.enforce(ctx.table(Tables.FCT_ORDER_ITEMS), FactOrderItems.build(lines,
        marts.get(Tables.DIM_CUSTOMERS), marts.get(Tables.DIM_PRODUCTS), marts.get(Tables.DIM_SELLERS), loadedAt)
        .schema(), false);
    Map<String, Dataset<Row>> lookups = new LinkedHashMap<>();
    try {
      marts.forEach((table, df) -> {
        boolean exists = ctx.exists(table);
        if (append && KEYS.containsKey(table) && exists) {
          upsert(ctx, table, df, KEYS.get(table));
          lookups.put(table, ctx.read(table));
        } else {
          Dataset<Row> cached = KEYS.containsKey(table) ? df.persist(StorageLevel.MEMORY_AND_DISK()) : df;
          if (KEYS.containsKey(table)) {
            lookups.put(table, cached);
          }
          ctx.publish(table, cached);
        }
      });
      if (!writeDimDate) {
        ctx.recordSkip("marts/" + Tables.DIM_DATE, "Type 0 table exists; rebuilt only with --full-refresh");
      }
      loader.load(lines,
          linePrints,
          (l, few) -> FactOrderItems.build(l, lookups.get(Tables.DIM_CUSTOMERS), lookups.get(Tables.DIM_PRODUCTS),
              lookups.get(Tables.DIM_SELLERS), loadedAt, few));
    } finally {
      marts.values().forEach(Dataset::unpersist);
    }
  }
}
