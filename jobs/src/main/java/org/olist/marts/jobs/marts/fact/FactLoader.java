package org.olist.marts.jobs.marts.fact;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.common.config.IncrementalMode;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.delta.DeltaMetric;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.delta.MergeSpec;
import org.olist.marts.common.delta.WriteRequest;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.Phases;
import org.olist.marts.common.job.TableResult;
import org.olist.marts.jobs.marts.FactOrderItems;
import org.olist.marts.jobs.orderlines.Columns;
import org.olist.marts.jobs.orderlines.MonthPrints;
import org.olist.marts.jobs.warehouse.LoadMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Loads {@code fct_order_items} as SPEC §4 says, choosing the mode: a full (atomic) rebuild the first time and on
 * {@code --full-refresh}; a backfill of a purchase-date window; otherwise a MERGE of the new and changed rows only,
 * planned first ({@link ChangePlan}), then looked up, then committed with the high-water mark in the same commit.
 * Each load is recorded once, from its {@link FactLoad}.
 */
public final class FactLoader {
  /** Up to this many keys to write, the lines behind them are found by a broadcast semi-join (no shuffle). */
  public static final long BROADCAST_KEYS_MAX = 500_000L;
  private static final String ROWS = "rows";
  private static final Logger LOG = LoggerFactory.getLogger(FactLoader.class);

  private final JobContext ctx;
  private final TableModel model;
  private final String path;
  /** The fact's high-water mark, read from the table's history once per load (empty: none recorded). */
  private Optional<Timestamp> mark;
  /** Append mode: the batch's late lines ({@link #noteLateLines}); empty otherwise. */
  private Optional<FactLoad.LateLines> late = Optional.empty();

  public FactLoader(JobContext ctx, TableModel model) {
    this.ctx = ctx;
    this.model = model;
    this.path = ctx.warehouse().path(model);
  }

  /**
   * Loads the fact from the intermediate order lines; {@code toFact} turns lines into fact rows (the dimension
   * lookups). A MERGE finds the new and changed lines first (a fact row is a function of its line, whose
   * {@code row_hash} it keeps), so only those go through the lookups. Every mode is timed from here: the step
   * includes computing what it writes.
   */
  public void load(Dataset<Row> lines, Lookups toFact) {
    load(lines, Optional.empty(), toFact);
  }

  /**
   * As {@link #load(Dataset, Lookups)}, with the month prints of {@code lines} when their writer kept them (a
   * snapshot MERGE then needs no scan of the lines to find the months that changed).
   */
  public void load(Dataset<Row> lines, Optional<MonthPrints> linePrints, Lookups toFact) {
    Instant start = Instant.now();
    boolean fullRefresh = ctx.config().fullRefresh();
    if (fullRefresh || !DeltaTables.exists(ctx.spark(), path)) {
      rebuild(start, ctx.conform(model, toFact.apply(lines, false)),
          fullRefresh ? LoadMode.FULL_REFRESH : LoadMode.INITIAL_LOAD);
      return;
    }
    FactLoad load = ctx.config().backfillFrom().isPresent()
        ? backfill(ctx.conform(model, toFact.apply(lines, false)),
            new FactLoad.Window(ctx.config().backfillFrom().get(), ctx.config().backfillTo().orElseThrow()))
        : merge(lines, linePrints, toFact);
    ctx.recordWrite(model.relativePath(), start, load.rowsWritten(), load.rowsWritten() + load.rowsDeleted(),
        load.deltaVersion(),
        load.plan().map(ChangePlan::rowsInBatch).orElse(null), load.withLateLines(late));
  }

  /** The mark of the fact as it is before this load; null when none was recorded. */
  private Timestamp highWaterMark() {
    if (mark == null) {
      mark = Optional.ofNullable(HighWaterMark.read(ctx.spark(), path));
    }
    return mark.orElse(null);
  }

  /**
   * Append mode (SPEC §4): counts the lines of the batch updated at or before the mark minus the lookback, logs
   * their keys and keeps both for the load's audit row. They are loaded like every other line of the batch: a late
   * line is never dropped silently.
   */
  public void noteLateLines(Dataset<Row> lines) {
    Dataset<Row> lateLines = IncrementalFact.lateLines(lines, highWaterMark(), ctx.config().lookbackDays());
    long count = lateLines.count();
    List<String> keys = count == 0 ? List.of() : firstKeys(lateLines);
    late = Optional.of(new FactLoad.LateLines(count, keys));
    if (count > 0) {
      LOG.warn("{} lines of the batch were updated at or before the high-water mark {} minus the lookback of {} "
          + "days: loaded all the same (order_id/order_item_id{}): {}", count, highWaterMark(),
          ctx.config().lookbackDays(), count > keys.size() ? ", the first " + keys.size() : "", keys);
    }
  }

  /** The first keys of {@code lines} in key order, as the log and the audit row name them: order_id/order_item_id. */
  private static List<String> firstKeys(Dataset<Row> lines) {
    return lines.select(col(Columns.ORDER_ID), col(Columns.ORDER_ITEM_ID))
        .orderBy(Columns.ORDER_ID, Columns.ORDER_ITEM_ID).limit(FactLoad.LateLines.KEYS_SHOWN).collectAsList()
        .stream().map(r -> r.getString(0) + "/" + r.get(1)).toList();
  }

  private Timestamp maxUpdatedAt(Dataset<Row> rows) {
    Row r = rows.agg(max(col(Columns.SOURCE_UPDATED_AT))).first();
    return r.isNullAt(0) ? null : r.getTimestamp(0);
  }

  private static Timestamp later(Timestamp a, Timestamp b) {
    return a == null ? b : b == null ? a : (a.after(b) ? a : b);
  }

  private Phases phases() {
    return new Phases(ctx.spark().sparkContext(), ctx.job() + ": " + model.name());
  }

  /** Replaces the whole fact; the mark and the month prints come from one pass over the rows before the write. */
  private void rebuild(Instant start, Dataset<Row> rows, LoadMode mode) {
    Phases phases = phases();
    Dataset<Row> cached = rows.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      phases.start("month_prints");
      List<Row> months = cached.groupBy(col(Columns.ORDER_YEAR_MONTH))
          .agg(max(col(Columns.SOURCE_UPDATED_AT)).as(Columns.SOURCE_UPDATED_AT), MonthPrints.aggregates())
          .collectAsList();
      Timestamp newMark = months.stream().map(r -> r.<Timestamp>getAs(Columns.SOURCE_UPDATED_AT))
          .reduce(null, FactLoader::later);
      phases.start("overwrite");
      TableResult written = ctx.write(WriteRequest.overwrite(model, path, cached).timedFrom(start)
          .withDetails(FactLoad.rebuild(mode, newMark))
          .withCommitMetadata(HighWaterMark.metadata(newMark, ctx.runId())));
      phases.start("keep_prints");
      MonthPrints.fromAggregates(months).write(ctx.spark(), path, written.deltaVersion());
    } finally {
      phases.stop();
      cached.unpersist();
    }
  }

  /**
   * Rebuilds the fact's rows of purchase dates in the window in one MERGE on the line key: the window's rows are
   * written, fact rows of the window that the lines no longer hold are deleted, and a line whose purchase date
   * moved into or out of the window since it was loaded is moved to its new partition, so every key stays in the
   * fact exactly once (SPEC §10). Only the partitions involved are read and rewritten. The fact's month prints are
   * counted afresh from the new version.
   */
  private FactLoad backfill(Dataset<Row> rows, FactLoad.Window window) {
    SparkSession spark = ctx.spark();
    Phases phases = phases();
    phases.start("plan");
    Column inWindow = col(Columns.ORDER_DATE).between(lit(window.from().toString()).cast(DataTypes.DateType),
        lit(window.to().toString()).cast(DataTypes.DateType));
    long factVersion = DeltaTables.version(spark, path);
    Dataset<Row> fact = DeltaTables.read(spark, path, factVersion);
    Dataset<Row> source = IncrementalFact.backfillSource(rows, fact, inWindow).localCheckpoint(true);
    List<String> partitions = IncrementalFact.backfillPartitions(source, fact).as(Encoders.STRING())
        .collectAsList().stream().sorted().toList();
    Timestamp newMark = later(highWaterMark(), maxUpdatedAt(source.filter(not(col(IncrementalFact.DELETE)))));
    phases.start("merge");
    Map<String, String> columns = new LinkedHashMap<>();
    model.columnNames().forEach(c -> columns.put(c, "s." + c));
    DeltaTables.Commit commit = ctx.merge(model, new MergeSpec(source, IncrementalFact.mergeCondition(partitions),
        b -> b.whenMatched("s." + IncrementalFact.DELETE).delete()
            .whenMatched().updateExpr(columns)
            .whenNotMatched("NOT s." + IncrementalFact.DELETE).insertExpr(columns),
        Optional.of(HighWaterMark.metadata(newMark, ctx.runId())), true));
    phases.start("keep_prints");
    // counted afresh from the version written: exact whatever came before it
    MonthPrints.scan(DeltaTables.read(spark, path, commit.version())).write(spark, path, commit.version());
    long inserted = commit.metric(DeltaMetric.NUM_TARGET_ROWS_INSERTED);
    long updated = commit.metric(DeltaMetric.NUM_TARGET_ROWS_UPDATED);
    return new FactLoad(LoadMode.BACKFILL, Optional.empty(), Optional.of(window), inserted + updated, inserted,
        updated, commit.metric(DeltaMetric.NUM_TARGET_ROWS_DELETED), commit.metric(DeltaMetric.NUM_TARGET_FILES_ADDED),
        commit.metric(DeltaMetric.NUM_TARGET_FILES_REMOVED), partitions, newMark, commit.version(), phases.millis(),
        Optional.empty());
  }

  /**
   * A snapshot that lacks most of the fact is more likely a truncated export than a mass deletion at the source
   * (SPEC §4 deletes what a snapshot lacks): refused before anything is written when its lines are fewer than the
   * fact's by more than {@code olist.incremental.max-deleted-fraction} of them. Called before the dimensions are
   * written; a first load, a full refresh, a backfill and append mode delete nothing and pass.
   */
  public void refuseTruncatedSnapshot(Dataset<Row> lines, Optional<MonthPrints> linePrints) {
    if (ctx.config().incrementalMode() == IncrementalMode.APPEND || ctx.config().fullRefresh()
        || ctx.config().backfillFrom().isPresent() || !DeltaTables.exists(ctx.spark(), path)) {
      return;
    }
    long factVersion = DeltaTables.version(ctx.spark(), path);
    long factRows = MonthPrints.read(ctx.spark(), path, factVersion).map(MonthPrints::rows)
        .orElseGet(() -> DeltaTables.read(ctx.spark(), path, factVersion).count());
    long lineRows = linePrints.map(MonthPrints::rows).orElseGet(lines::count);
    double limit = ctx.config().maxDeletedFraction();
    if (factRows > 0 && factRows - lineRows > limit * factRows) {
      throw new OlistException("Cannot load " + model.name() + ": this snapshot holds " + lineRows + " order lines "
          + "and the fact " + factRows + ", so more than " + OlistConfig.MAX_DELETED_FRACTION + " = " + limit
          + " of the fact's lines would be deleted as absent from this snapshot. Check that the input is "
          + "complete; if the deletions are real, raise the limit or run --full-refresh. No mart was written.");
    }
  }

  /** A planned MERGE: what change detection found, the batch it looked at, and the keys to write. */
  private record Planned(ChangePlan plan, Dataset<Row> batch, Dataset<Row> changes) {
  }

  /**
   * The MERGE of SPEC §4, in three phases: plan (month prints, then the differing months key by key), lookups for
   * the new and changed lines only, commit. The keys to write are kept as a local checkpoint, and so is the MERGE
   * source: neither re-runs the comparison nor refers to the fact, which the MERGE would otherwise make Spark
   * re-plan after the commit.
   */
  private FactLoad merge(Dataset<Row> lines, Optional<MonthPrints> linePrints, Lookups toFact) {
    SparkSession spark = ctx.spark();
    boolean append = ctx.config().incrementalMode() == IncrementalMode.APPEND;
    LoadMode mode = append ? LoadMode.MERGE_APPEND : LoadMode.MERGE_SNAPSHOT;
    Phases phases = phases();
    phases.start(append ? "change_detection" : "month_prints");
    Timestamp before = highWaterMark();
    // the fact is read at one version: the one its kept prints (if any) describe, and the MERGE must follow
    long factVersion = DeltaTables.version(spark, path);
    Dataset<Row> fact = DeltaTables.read(spark, path, factVersion);
    Optional<MonthPrints> keptFactPrints = MonthPrints.read(spark, path, factVersion);
    // the fact's prints before this load: a snapshot MERGE needs them (scanned when none were kept); append mode
    // never scans the whole fact, and keeps new prints only when it found some
    Optional<MonthPrints> factPrints = append || keptFactPrints.isPresent() ? keptFactPrints
        : Optional.of(MonthPrints.scan(fact));
    Planned planned = plan(lines, linePrints, fact, keptFactPrints.isPresent(), factPrints, append, phases);
    ChangePlan plan = planned.plan();
    Dataset<Row> deletions = null;
    if (plan.keysToDelete() > 0) {
      deletions = IncrementalFact.deletions(fact, planned.changes()).localCheckpoint(true);
      List<String> shown = firstKeys(deletions);
      LOG.warn("{} fact lines are absent from this snapshot and are deleted (order_id/order_item_id{}): {}",
          plan.keysToDelete(), plan.keysToDelete() > shown.size() ? ", the first " + shown.size() : "", shown);
    }
    if (plan.keysToWrite() == 0 && plan.keysToDelete() == 0) {
      LOG.info("No new or changed fact rows: nothing merged, no file written");
      return FactLoad.unchanged(mode, plan, before, factVersion, phases.millis());
    }

    phases.start("lookups");
    boolean few = plan.keysToWrite() <= BROADCAST_KEYS_MAX;
    // only the new and changed lines go through the lookups; a few of them are kept, as the lookups read them
    // once per dimension
    Dataset<Row> toLookUp = IncrementalFact.linesToWrite(planned.batch(),
        few ? broadcast(planned.changes()) : planned.changes());
    Observation latest = new Observation("fct_order_items source");
    Dataset<Row> written = ctx.conform(model, toFact.apply(few ? toLookUp.localCheckpoint(true) : toLookUp, few))
        .observe(latest, max(col(Columns.SOURCE_UPDATED_AT)).as(Columns.SOURCE_UPDATED_AT))
        .localCheckpoint(true);
    Timestamp newMark = later(before, (Timestamp) observed(latest).get(Columns.SOURCE_UPDATED_AT));
    Dataset<Row> source = written.withColumn(IncrementalFact.DELETE, lit(false));
    if (deletions != null) {
      source = source.unionByName(deletions);
    }
    phases.start("prints");
    Dataset<Row> removed = deletions;
    Optional<MonthPrints> printsAfter = factPrints.map(p -> p.plus(IncrementalFact.printChange(planned.changes())))
        .map(p -> removed == null ? p : p.plus(IncrementalFact.printRemoval(removed)));

    phases.start("merge");
    Map<String, String> columns = new LinkedHashMap<>();
    model.columnNames().forEach(c -> columns.put(c, "s." + c));
    DeltaTables.Commit commit = ctx.merge(model, new MergeSpec(source, IncrementalFact.mergeCondition(
        plan.partitions()),
        b -> b.whenMatched("s." + IncrementalFact.DELETE).delete()
            .whenMatched("t." + Columns.ROW_HASH + " <> s." + Columns.ROW_HASH).updateExpr(columns)
            .whenNotMatched("NOT s." + IncrementalFact.DELETE).insertExpr(columns),
        Optional.of(HighWaterMark.metadata(newMark, ctx.runId())), true));
    long inserted = commit.metric(DeltaMetric.NUM_TARGET_ROWS_INSERTED);
    long updated = commit.metric(DeltaMetric.NUM_TARGET_ROWS_UPDATED);
    long deleted = commit.metric(DeltaMetric.NUM_TARGET_ROWS_DELETED);
    if (printsAfter.isPresent()) {
      phases.start("keep_prints");
      // derived from the version read: exact when the MERGE wrote every key it was given and directly followed it
      if (inserted + updated == plan.keysToWrite() && deleted == plan.keysToDelete()) {
        printsAfter.get().writeIfNext(spark, path, factVersion, commit.version());
      } else {
        LOG.warn("Cannot keep the fact's month prints: the MERGE wrote {} of {} keys and deleted {} of {}; the next "
            + "load scans", inserted + updated, plan.keysToWrite(), deleted, plan.keysToDelete());
      }
    }
    return new FactLoad(mode, Optional.of(plan), Optional.empty(), inserted + updated, inserted, updated, deleted,
        commit.metric(DeltaMetric.NUM_TARGET_FILES_ADDED), commit.metric(DeltaMetric.NUM_TARGET_FILES_REMOVED),
        plan.partitions(), newMark,
        commit.version(), phases.millis(), Optional.empty());
  }

  /**
   * Change detection: a snapshot is first compared month by month (the {@link MonthPrints} of both sides, as kept
   * by their writers or else scanned); only the months that differ are compared key by key, with counts observed
   * on the way.
   */
  private Planned plan(Dataset<Row> lines, Optional<MonthPrints> linePrints, Dataset<Row> fact,
                       boolean factPrintsKept, Optional<MonthPrints> factPrints, boolean append, Phases phases) {
    Dataset<Row> batch = lines.withColumn(FactOrderItems.ORDER_ITEM_SK, FactOrderItems.orderItemSk());
    Optional<String> printsSource = Optional.empty();
    List<String> differing = List.of();
    long inputRows = -1;
    long unchangedMonthsRows = 0;
    if (!append) {
      MonthPrints batchPrints = linePrints.orElseGet(() -> MonthPrints.scan(lines));
      printsSource = Optional.of("lines:" + (linePrints.isPresent() ? "kept" : "scanned")
          + " fact:" + (factPrintsKept ? "kept" : "scanned"));
      differing = batchPrints.differing(factPrints.orElseThrow());
      inputRows = batchPrints.rows();
      if (differing.isEmpty()) {
        return new Planned(ChangePlan.unchanged(printsSource.get(), inputRows), batch, null);
      }
      unchangedMonthsRows = batchPrints.rowsOutside(differing);
      Column inDiffering = col(Columns.ORDER_YEAR_MONTH).isin(differing.toArray());
      batch = batch.filter(inDiffering);
      fact = fact.filter(inDiffering);
      phases.start("change_detection");
    }
    Observation batchRows = new Observation("fct_order_items batch");
    Observation changeCounts = new Observation("fct_order_items changes");
    Dataset<Row> keys = IncrementalFact.keys(batch).observe(batchRows, IncrementalFact.rowCount(ROWS));
    Dataset<Row> compared = IncrementalFact.compare(IncrementalFact.latestPerKey(keys), fact, !append);
    Dataset<Row> changes = IncrementalFact.observeChanges(compared, changeCounts)
        .filter(IncrementalFact.toApply())
        .localCheckpoint(true);
    Map<String, Object> counts = observed(changeCounts);
    if (append) {
      inputRows = (Long) observed(batchRows).get(ROWS);
    }
    ChangePlan plan = new ChangePlan(printsSource, differing, inputRows, (Long) counts.get(IncrementalFact.NEW),
        (Long) counts.get(IncrementalFact.CHANGED),
        (Long) counts.get(IncrementalFact.UNCHANGED) + unchangedMonthsRows,
        append ? Optional.empty() : Optional.of((Long) counts.get(IncrementalFact.MISSING)),
        strings(counts.get(IncrementalFact.TOUCHED_PARTITIONS)));
    return new Planned(plan, batch, changes);
  }

  private static List<String> strings(Object observedArray) {
    return CollectionConverters.asJava((Seq<?>) observedArray).stream().map(String::valueOf).toList();
  }

  private static Map<String, Object> observed(Observation observation) {
    try {
      return observation.getAsJava();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Cannot read the " + observation.name() + " counts: interrupted", e);
    }
  }

  /** Turns order lines into fact rows: the dimension lookups. */
  @FunctionalInterface
  public interface Lookups {
    /** {@code fewLines}: the lines are a small, materialized batch (an incremental load's new and changed ones). */
    Dataset<Row> apply(Dataset<Row> lines, boolean fewLines);
  }
}
