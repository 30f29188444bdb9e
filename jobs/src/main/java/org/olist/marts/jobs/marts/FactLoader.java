package org.olist.marts.jobs.marts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.jobs.intermediate.Columns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads {@code fct_order_items} as SPEC §4 says: a full (atomic) rebuild the first time and on
 * {@code --full-refresh}; a date-range replacement on a backfill; otherwise a MERGE of the new and changed rows
 * only, naming the partitions it touches, with the high-water mark in the same commit.
 */
public final class FactLoader {
  public static final String USER_METADATA_CONF = "spark.databricks.delta.commitInfo.userMetadata";
  private static final Logger LOG = LoggerFactory.getLogger(FactLoader.class);

  private final JobContext ctx;
  private final TableModel model;
  private final String path;

  public FactLoader(JobContext ctx, TableModel model) {
    this.ctx = ctx;
    this.model = model;
    this.path = ctx.warehouse().path(model);
  }

  /**
   * Loads the fact from the intermediate order lines; {@code toFact} turns lines into fact rows (the dimension
   * lookups). A MERGE finds the new and changed lines first (a fact row is a function of its line, whose
   * {@code row_hash} it keeps), so only those go through the lookups.
   */
  public void load(Dataset<Row> lines, UnaryOperator<Dataset<Row>> toFact) {
    SparkSession spark = ctx.spark();
    if (ctx.config().fullRefresh() || !DeltaTables.exists(spark, path)) {
      rebuild(ctx.conform(model, toFact.apply(lines)));
    } else if (ctx.config().backfillFrom().isPresent()) {
      backfill(ctx.conform(model, toFact.apply(lines)), ctx.config().backfillFrom().get(),
          ctx.config().backfillTo().orElseThrow());
    } else {
      merge(lines, toFact);
    }
  }

  private Timestamp maxUpdatedAt(Dataset<Row> rows) {
    Row r = rows.agg(max(col(Columns.SOURCE_UPDATED_AT))).first();
    return r.isNullAt(0) ? null : r.getTimestamp(0);
  }

  private static Timestamp later(Timestamp a, Timestamp b) {
    return a == null ? b : b == null ? a : (a.after(b) ? a : b);
  }

  private void rebuild(Dataset<Row> rows) {
    Dataset<Row> cached = rows.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Timestamp mark = maxUpdatedAt(cached);
      Map<String, String> details = new LinkedHashMap<>();
      details.put("mode", ctx.config().fullRefresh() ? "full_refresh" : "initial_load");
      details.put("high_water_mark", String.valueOf(mark));
      ctx.overwrite(model, path, cached, null, details,
          Map.of("userMetadata", HighWaterMark.metadata(mark, ctx.runId())));
    } finally {
      cached.unpersist();
    }
  }

  private void backfill(Dataset<Row> rows, LocalDate from, LocalDate to) {
    String predicate = Columns.ORDER_DATE + " >= '" + from + "' AND " + Columns.ORDER_DATE + " <= '" + to + "'";
    Dataset<Row> window = rows.filter(predicate).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Timestamp mark = HighWaterMark.read(ctx.spark(), path);
      List<String> partitions = window.select(Columns.ORDER_YEAR_MONTH).distinct().as(Encoders.STRING())
          .collectAsList();
      Map<String, String> details = new LinkedHashMap<>();
      details.put("mode", "backfill");
      details.put("from", from.toString());
      details.put("to", to.toString());
      details.put("partitions_touched", String.join(",", partitions.stream().sorted().toList()));
      ctx.overwrite(model, path, window, null, details, Map.of("replaceWhere", predicate,
          "userMetadata", HighWaterMark.metadata(later(mark, maxUpdatedAt(window)), ctx.runId())));
    } finally {
      window.unpersist();
    }
  }

  private void merge(Dataset<Row> lines, UnaryOperator<Dataset<Row>> toFact) {
    SparkSession spark = ctx.spark();
    Instant start = Instant.now();
    Phases phases = new Phases();
    Timestamp mark = HighWaterMark.read(spark, path);
    boolean append = "append".equals(ctx.config().incrementalMode());
    Dataset<Row> input = (append ? IncrementalFact.appendWindow(lines, mark, ctx.config().lookbackDays()) : lines)
        .withColumn(FactOrderItems.ORDER_ITEM_SK, FactOrderItems.orderItemSk());
    Dataset<Row> fact = DeltaTables.read(spark, path);
    // only the new and changed lines are looked up, each computed once: the MERGE source is small
    Dataset<Row> changed = IncrementalFact.latestPerKey(IncrementalFact.changedRows(input, fact))
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> source = ctx.conform(model, toFact.apply(changed.drop(IncrementalFact.CURRENT_MONTH)))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long changedRows = changed.count();
      phases.mark("change_detection");
      List<String> partitions = IncrementalFact.touchedPartitions(changed).as(Encoders.STRING()).collectAsList()
          .stream().sorted().toList();
      phases.mark("partitions");
      long inputRows = input.count();
      Map<String, String> details = new LinkedHashMap<>();
      details.put("mode", append ? "merge_append" : "merge_snapshot");
      details.put("rows_in_batch", Long.toString(inputRows));
      if (!append) {
        long missing = IncrementalFact.missingFromSnapshot(fact, input).count();
        details.put("keys_missing_from_snapshot", Long.toString(missing));
        if (missing > 0) {
          LOG.warn("{} fact keys are absent from this snapshot: kept (a --full-refresh removes them)", missing);
        }
      }
      phases.mark("counts");
      if (changedRows == 0) {
        details.put("rows_inserted", "0");
        details.put("rows_updated", "0");
        details.put("rows_unchanged", Long.toString(inputRows));
        details.put("files_added", "0");
        details.put("files_removed", "0");
        details.put("partitions_touched", "");
        details.put("high_water_mark", String.valueOf(mark));
        details.put("phase_ms", phases.toString());
        ctx.recordWrite(model.relativePath(), start, 0, DeltaTables.version(spark, path), inputRows, details);
        LOG.info("No new or changed fact rows: nothing merged, no file written");
        return;
      }
      Timestamp newMark = later(mark, maxUpdatedAt(source));
      spark.conf().set(USER_METADATA_CONF, HighWaterMark.metadata(newMark, ctx.runId()));
      try {
        DeltaTable.forPath(spark, path).as("t")
            .merge(source.as("s"), IncrementalFact.mergeCondition(partitions))
            .whenMatched("t." + Columns.ROW_HASH + " <> s." + Columns.ROW_HASH).updateAll()
            .whenNotMatched().insertAll()
            .execute();
      } finally {
        spark.conf().unset(USER_METADATA_CONF);
      }
      phases.mark("merge");
      DeltaTables.Commit commit = DeltaTables.lastCommit(spark, path);
      phases.mark("commit_metrics");
      long inserted = commit.metric("numTargetRowsInserted");
      long updated = commit.metric("numTargetRowsUpdated");
      details.put("rows_inserted", Long.toString(inserted));
      details.put("rows_updated", Long.toString(updated));
      details.put("rows_unchanged", Long.toString(inputRows - inserted - updated));
      details.put("files_added", Long.toString(commit.metric("numTargetFilesAdded")));
      details.put("files_removed", Long.toString(commit.metric("numTargetFilesRemoved")));
      details.put("partitions_touched", String.join(",", partitions));
      details.put("high_water_mark", String.valueOf(newMark));
      details.put("phase_ms", phases.toString());
      ctx.recordWrite(model.relativePath(), start, inserted + updated, commit.version(), inputRows, details);
    } finally {
      source.unpersist();
      changed.unpersist();
    }
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
