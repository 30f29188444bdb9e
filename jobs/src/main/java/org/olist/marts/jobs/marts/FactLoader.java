package org.olist.marts.jobs.marts;

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
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.delta.MergeSpec;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.TableResult;
import org.olist.marts.jobs.intermediate.Columns;
import org.olist.marts.jobs.intermediate.MonthPrints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads {@code fct_order_items} as SPEC §4 says: a full (atomic) rebuild the first time and on
 * {@code --full-refresh}; a date-range replacement on a backfill; otherwise a MERGE of the new and changed rows
 * only, naming the partitions it touches, with the high-water mark in the same commit.
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
    SparkSession spark = ctx.spark();
    if (ctx.config().fullRefresh() || !DeltaTables.exists(spark, path)) {
      rebuild(start, ctx.conform(model, toFact.apply(lines, false)));
    } else if (ctx.config().backfillFrom().isPresent()) {
      backfill(start, ctx.conform(model, toFact.apply(lines, false)), ctx.config().backfillFrom().get(),
          ctx.config().backfillTo().orElseThrow());
    } else {
      merge(start, lines, linePrints, toFact);
    }
  }

  /** The mark of the fact as it is before this load; null when none was recorded. */
  private Timestamp highWaterMark() {
    if (mark == null) {
      mark = Optional.ofNullable(HighWaterMark.read(ctx.spark(), path));
    }
    return mark.orElse(null);
  }

  /**
   * Append mode (SPEC §4): the rows of {@code lines} updated after the mark minus the lookback, the batch that a
   * MERGE of this loader then takes as it is.
   */
  public Dataset<Row> appendWindow(Dataset<Row> lines) {
    return IncrementalFact.appendWindow(lines, highWaterMark(), ctx.config().lookbackDays());
  }

  private Timestamp maxUpdatedAt(Dataset<Row> rows) {
    Row r = rows.agg(max(col(Columns.SOURCE_UPDATED_AT))).first();
    return r.isNullAt(0) ? null : r.getTimestamp(0);
  }

  private static Timestamp later(Timestamp a, Timestamp b) {
    return a == null ? b : b == null ? a : (a.after(b) ? a : b);
  }

  /** Replaces the whole fact; the mark and the month prints come from one pass over the rows before the write. */
  private void rebuild(Instant start, Dataset<Row> rows) {
    Dataset<Row> cached = rows.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Column[] prints = MonthPrints.aggregates();
      List<Row> months = cached.groupBy(col(Columns.ORDER_YEAR_MONTH))
          .agg(max(col(Columns.SOURCE_UPDATED_AT)).as(Columns.SOURCE_UPDATED_AT), prints).collectAsList();
      Timestamp mark = months.stream().map(r -> r.<Timestamp>getAs(Columns.SOURCE_UPDATED_AT))
          .reduce(null, FactLoader::later);
      Map<String, String> details = new LinkedHashMap<>();
      details.put("mode", ctx.config().fullRefresh() ? "full_refresh" : "initial_load");
      details.put("high_water_mark", String.valueOf(mark));
      TableResult written = ctx.overwrite(start, model, path, cached, null, details,
          Map.of(DeltaTables.USER_METADATA, HighWaterMark.metadata(mark, ctx.runId())));
      MonthPrints.fromAggregates(months).write(ctx.spark(), path, written.deltaVersion());
    } finally {
      cached.unpersist();
    }
  }

  /**
   * Rebuilds the fact's rows of purchase dates in [from, to] in one MERGE on the line key: the window's rows are
   * written, fact rows of the window that the lines no longer hold are deleted, and a line whose purchase date
   * moved into or out of the window since it was loaded is moved to its new partition, so every key stays in the
   * fact exactly once (SPEC §10). Only the partitions involved are read and rewritten. The fact's month prints are
   * counted afresh from the new version.
   */
  private void backfill(Instant start, Dataset<Row> rows, LocalDate from, LocalDate to) {
    SparkSession spark = ctx.spark();
    Column inWindow = col(Columns.ORDER_DATE).between(lit(from.toString()).cast(DataTypes.DateType),
        lit(to.toString()).cast(DataTypes.DateType));
    long factVersion = DeltaTables.version(spark, path);
    Dataset<Row> fact = DeltaTables.read(spark, path, factVersion);
    Dataset<Row> source = IncrementalFact.backfillSource(rows, fact, inWindow).localCheckpoint(true);
    List<String> partitions = IncrementalFact.backfillPartitions(source, fact).as(Encoders.STRING())
        .collectAsList().stream().sorted().toList();
    Timestamp mark = later(highWaterMark(), maxUpdatedAt(source.filter(not(col(IncrementalFact.DELETE)))));
    Map<String, String> columns = new LinkedHashMap<>();
    model.columnNames().forEach(c -> columns.put(c, "s." + c));
    DeltaTables.Commit commit = ctx.merge(model, new MergeSpec(source, IncrementalFact.mergeCondition(partitions),
        b -> b.whenMatched("s." + IncrementalFact.DELETE).delete()
            .whenMatched().updateExpr(columns)
            .whenNotMatched("NOT s." + IncrementalFact.DELETE).insertExpr(columns),
        Optional.of(HighWaterMark.metadata(mark, ctx.runId())), true));
    if (commit.version() == factVersion + 1) {
      MonthPrints.scan(DeltaTables.read(spark, path, commit.version())).write(spark, path, commit.version());
    } else {
      LOG.warn("Cannot keep the fact's month prints: version {} follows {} (another writer?); the next load scans",
          commit.version(), factVersion);
    }
    long inserted = commit.metric("numTargetRowsInserted");
    long updated = commit.metric("numTargetRowsUpdated");
    Map<String, String> details = new LinkedHashMap<>();
    details.put("mode", "backfill");
    details.put("from", from.toString());
    details.put("to", to.toString());
    details.put("rows_inserted", Long.toString(inserted));
    details.put("rows_updated", Long.toString(updated));
    details.put("rows_deleted", Long.toString(commit.metric("numTargetRowsDeleted")));
    details.put("partitions_touched", String.join(",", partitions));
    details.put("high_water_mark", String.valueOf(mark));
    ctx.recordWrite(model.relativePath(), start, inserted + updated, commit.version(), null, details);
  }

  /**
   * The MERGE of SPEC §4. A snapshot is first compared month by month (the {@link MonthPrints} of both sides, as
   * kept by their writers or else scanned); only the months that differ are compared key by key, with counts
   * observed on the way. The keys to write are kept as a local checkpoint, and so is the MERGE source: neither
   * re-runs the comparison nor refers to the fact, which the MERGE would otherwise make Spark re-plan after the
   * commit.
   */
  private void merge(Instant start, Dataset<Row> lines, Optional<MonthPrints> linePrints, Lookups toFact) {
    SparkSession spark = ctx.spark();
    Phases phases = new Phases();
    Timestamp mark = highWaterMark();
    boolean append = "append".equals(ctx.config().incrementalMode());
    // an append batch comes windowed by the caller (appendWindow), which numbers its purchases on from the fact
    Dataset<Row> batch = lines.withColumn(FactOrderItems.ORDER_ITEM_SK, FactOrderItems.orderItemSk());
    // the fact is read at one version: the one its kept prints (if any) describe, and the MERGE must follow
    long factVersion = DeltaTables.version(spark, path);
    Dataset<Row> fact = DeltaTables.read(spark, path, factVersion);
    Optional<MonthPrints> keptFactPrints = MonthPrints.read(spark, path, factVersion);
    // the fact's prints before this load: a snapshot MERGE needs them (scanned when none were kept); append mode
    // never scans the whole fact, and keeps new prints only when it found some
    Optional<MonthPrints> factPrints = append || keptFactPrints.isPresent() ? keptFactPrints
        : Optional.of(MonthPrints.scan(fact));
    Map<String, String> details = new LinkedHashMap<>();
    details.put("mode", append ? "merge_append" : "merge_snapshot");
    long inputRows = -1;
    long unchangedMonthsRows = 0;
    if (!append) {
      MonthPrints batchPrints = linePrints.orElseGet(() -> MonthPrints.scan(lines));
      details.put("month_prints", "lines:" + (linePrints.isPresent() ? "kept" : "scanned")
          + " fact:" + (keptFactPrints.isPresent() ? "kept" : "scanned"));
      List<String> differing = batchPrints.differing(factPrints.get());
      inputRows = batchPrints.rows();
      unchangedMonthsRows = batchPrints.rowsOutside(differing);
      details.put("months_compared_by_key", String.join(",", differing));
      phases.mark("month_prints");
      if (differing.isEmpty()) {
        details.put("keys_new", "0");
        details.put("keys_changed", "0");
        details.put("rows_unchanged", Long.toString(unchangedMonthsRows));
        details.put("keys_missing_from_snapshot", "0");
        recordNoChange(start, inputRows, mark, details, phases);
        return;
      }
      Column inDiffering = col(Columns.ORDER_YEAR_MONTH).isin(differing.toArray());
      batch = batch.filter(inDiffering);
      fact = fact.filter(inDiffering);
    }
    Observation batchRows = new Observation("fct_order_items batch");
    Observation changeCounts = new Observation("fct_order_items changes");
    Dataset<Row> keys = IncrementalFact.keys(batch).observe(batchRows, IncrementalFact.rowCount(ROWS));
    Dataset<Row> compared = IncrementalFact.compare(IncrementalFact.latestPerKey(keys), fact, !append);
    Dataset<Row> changes = IncrementalFact.observeChanges(compared, changeCounts)
        .filter(IncrementalFact.toWrite())
        .localCheckpoint(true);
    Map<String, Object> counts = observed(changeCounts);
    if (append) {
      inputRows = (Long) observed(batchRows).get(ROWS);
    }
    long toWrite = (Long) counts.get(IncrementalFact.NEW) + (Long) counts.get(IncrementalFact.CHANGED);
    phases.mark("change_detection");
    details.put("rows_in_batch", Long.toString(inputRows));
    details.put("keys_new", counts.get(IncrementalFact.NEW).toString());
    details.put("keys_changed", counts.get(IncrementalFact.CHANGED).toString());
    details.put("rows_unchanged", Long.toString((Long) counts.get(IncrementalFact.UNCHANGED) + unchangedMonthsRows));
    if (!append) {
      long missing = (Long) counts.get(IncrementalFact.MISSING);
      details.put("keys_missing_from_snapshot", Long.toString(missing));
      if (missing > 0) {
        LOG.warn("{} fact keys are absent from this snapshot: kept (a --full-refresh removes them)", missing);
      }
    }
    if (toWrite == 0) {
      recordNoChange(start, inputRows, mark, details, phases);
      return;
    }
    List<String> partitions = strings(counts.get(IncrementalFact.TOUCHED_PARTITIONS));
    boolean few = toWrite <= BROADCAST_KEYS_MAX;
    // only the new and changed lines go through the lookups; a few of them are kept, as the lookups read them
    // once per dimension
    Dataset<Row> toLookUp = IncrementalFact.linesToWrite(batch, few ? broadcast(changes) : changes);
    Observation latest = new Observation("fct_order_items source");
    Dataset<Row> source = ctx.conform(model, toFact.apply(few ? toLookUp.localCheckpoint(true) : toLookUp, few))
        .observe(latest, max(col(Columns.SOURCE_UPDATED_AT)).as(Columns.SOURCE_UPDATED_AT))
        .localCheckpoint(true);
    Timestamp newMark = later(mark, (Timestamp) observed(latest).get(Columns.SOURCE_UPDATED_AT));
    phases.mark("lookups");
    Optional<MonthPrints> printsAfter = factPrints.map(p -> p.plus(IncrementalFact.printChange(changes)));
    phases.mark("prints");
    DeltaTables.Commit commit = ctx.merge(model, new MergeSpec(source, IncrementalFact.mergeCondition(partitions),
        b -> b.whenMatched("t." + Columns.ROW_HASH + " <> s." + Columns.ROW_HASH).updateAll()
            .whenNotMatched().insertAll(),
        Optional.of(HighWaterMark.metadata(newMark, ctx.runId())), true));
    phases.mark("merge");
    long inserted = commit.metric("numTargetRowsInserted");
    long updated = commit.metric("numTargetRowsUpdated");
    details.put("rows_inserted", Long.toString(inserted));
    details.put("rows_updated", Long.toString(updated));
    details.put("files_added", Long.toString(commit.metric("numTargetFilesAdded")));
    details.put("files_removed", Long.toString(commit.metric("numTargetFilesRemoved")));
    details.put("partitions_touched", String.join(",", partitions));
    details.put("high_water_mark", String.valueOf(newMark));
    if (printsAfter.isPresent()) {
      // exact only when this MERGE was the one commit after the version read, and wrote every key it was given
      if (commit.version() == factVersion + 1 && inserted + updated == toWrite) {
        printsAfter.get().write(spark, path, commit.version());
      } else {
        LOG.warn("Cannot keep the fact's month prints: version {} follows {} and wrote {} of {} keys (another "
            + "writer?); the next load scans", commit.version(), factVersion, inserted + updated, toWrite);
      }
      phases.mark("keep_prints");
    }
    details.put("phase_ms", phases.toString());
    ctx.recordWrite(model.relativePath(), start, inserted + updated, commit.version(), inputRows, details);
  }

  private void recordNoChange(Instant start, long inputRows, Timestamp mark, Map<String, String> details,
                              Phases phases) {
    details.put("rows_in_batch", Long.toString(inputRows));
    details.put("rows_inserted", "0");
    details.put("rows_updated", "0");
    details.put("files_added", "0");
    details.put("files_removed", "0");
    details.put("partitions_touched", "");
    details.put("high_water_mark", String.valueOf(mark));
    details.put("phase_ms", phases.toString());
    ctx.recordWrite(model.relativePath(), start, 0, DeltaTables.version(ctx.spark(), path), inputRows, details);
    LOG.info("No new or changed fact rows: nothing merged, no file written");
  }

  private static List<String> strings(Object observedArray) {
    return scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) observedArray).stream()
        .map(String::valueOf).toList();
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

  /** Where an incremental load spends its time (recorded with the load: the first place to look when it slows). */
  private static final class Phases {
    private final Map<String, Long> millis = new LinkedHashMap<>();
    private long last = System.nanoTime();

    void mark(String phase) {
      long now = System.nanoTime();
      millis.put(phase, (now - last) / 1_000_000);
      last = now;
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder();
      millis.forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(v));
      return b.toString();
    }
  }
}
