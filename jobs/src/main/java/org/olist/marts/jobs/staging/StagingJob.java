package org.olist.marts.jobs.staging;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.catalog.ColumnModel;
import org.olist.marts.common.catalog.SourceModel;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.common.delta.Warehouse;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.JobMain;
import org.olist.marts.common.job.OlistJob;
import org.olist.marts.common.job.TableResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Staging (SPEC §3): one typed Delta table per source file, rejected rows in {@code quarantine/stg_<source>},
 * and the reconciliation raw = staged + quarantined + exact duplicates checked for every source. All files
 * are checked (presence, emptiness, header) before anything is written, so bad input changes nothing.
 * Sources are staged concurrently ({@code olist.staging.parallelism}): each is small, and overlapping one
 * source's Delta commit with another's scan keeps both cores busy.
 */
public final class StagingJob extends OlistJob {
  public static final String NAME = "staging";
  public static final String QUARANTINE_TABLE = "quarantine_rows";

  private static final Logger LOG = LoggerFactory.getLogger(StagingJob.class);

  public static void main(String[] args) {
    JobMain.main(new StagingJob(), args);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** A source whose file passed the pre-flight checks. */
  private record Checked(TableModel table, SourceModel source, SourceFile file) {
  }

  @Override
  protected void execute(JobContext ctx) {
    List<Checked> checked = preflight(ctx);
    int threads = Math.max(1, Math.min(ctx.config().stagingParallelism(), checked.size()));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (Checked c : checked) {
        running.add(pool.submit(() -> stage(ctx, c)));
      }
      for (Future<?> f : running) {
        try {
          f.get();
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          throw cause instanceof RuntimeException re ? re : new OlistException(cause.toString(), cause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new OlistException("Cannot stage: interrupted", e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private List<Checked> preflight(JobContext ctx) {
    String input = ctx.config().input();
    List<String> errors = new ArrayList<>();
    List<Checked> out = new ArrayList<>();
    for (TableModel table : ctx.catalog().tablesInLayer(Warehouse.STAGING)) {
      SourceModel source = ctx.catalog().source(table.source().orElseThrow());
      String path = input + "/" + source.file();
      SourceFile file = SourceFile.inspect(path, ctx.spark().sparkContext().hadoopConfiguration());
      if (!file.exists()) {
        if (source.required()) {
          errors.add("required file " + source.file() + " is missing from " + input);
        } else {
          LOG.warn("Optional source {} is absent ({}): {} not staged", source.name(), path, table.name());
        }
        continue;
      }
      if (file.isEmpty()) {
        errors.add("file " + path + " is empty (" + (file.header().isEmpty() ? "no header" : "a header but no rows")
            + ")");
        continue;
      }
      int before = errors.size();
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (String name : file.header()) {
        if (name.isEmpty() || !seen.add(name)) {
          errors.add("file " + path + " has an empty or repeated column name '" + name + "' in its header");
        }
      }
      for (ColumnModel c : table.columns()) {
        if (!file.header().contains(c.sourceColumn())) {
          errors.add("file " + path + " has no column '" + c.sourceColumn() + "' in its header " + file.header());
        }
      }
      for (String name : file.header()) {
        if (table.columns().stream().noneMatch(c -> c.sourceColumn().equals(name))) {
          LOG.warn("File {} has an unexpected column '{}': ignored", path, name);
        }
      }
      if (errors.size() == before) {
        out.add(new Checked(table, source, file));
      }
    }
    if (!errors.isEmpty()) {
      throw new OlistException("Cannot stage input " + input + ": " + String.join("; ", errors)
          + ". Nothing was written.");
    }
    return out;
  }

  private void stage(JobContext ctx, Checked c) {
    TableModel table = c.table();
    Instant start = Instant.now();
    Dataset<Row> raw = RawSourceReader.read(ctx.spark(), c.file(), c.source(), table);
    Dataset<Row> classified = StagingTransforms.typeAndClassify(raw, table, c.file().header().size(),
        ctx.config().maxRawChars()).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> folded = StagingTransforms.foldDuplicates(classified, table)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Row in = classified.agg(count(lit(1)), sum(when(col(StagingTransforms.REASON).isNotNull(), 1).otherwise(0)))
          .first();
      long rawRows = in.getLong(0);
      long untyped = in.isNullAt(1) ? 0 : in.getLong(1);
      Row f = folded.agg(
          sum(col(StagingTransforms.COPIES).minus(1)),
          sum(when(col(StagingTransforms.KEY_ROWS).equalTo(1), 1).otherwise(0)),
          sum(when(col(StagingTransforms.KEY_ROWS).gt(1), 1).otherwise(0))).first();
      long duplicates = f.isNullAt(0) ? 0 : f.getLong(0);
      long staged = f.isNullAt(1) ? 0 : f.getLong(1);
      long conflicts = f.isNullAt(2) ? 0 : f.getLong(2);
      Reconciliation expected = new Reconciliation(table.name(), rawRows, staged, untyped + conflicts, duplicates);
      expected.check();

      Map<String, String> details = new LinkedHashMap<>();
      details.put("source_file", c.file().path());
      details.put("raw_rows", Long.toString(rawRows));
      details.put("quarantined", Long.toString(untyped + conflicts));
      details.put("exact_duplicates", Long.toString(duplicates));
      details.put("conflicting_key_rows", Long.toString(conflicts));
      TableResult written = ctx.publish(table.name(), StagingTransforms.staged(folded, table), rawRows, details);

      TableModel quarantineModel = ctx.table(QUARANTINE_TABLE);
      Dataset<Row> quarantine = StagingTransforms.quarantine(
          StagingTransforms.rejected(classified, folded, table), c.source().name(), ctx.runId(),
          Timestamp.from(start));
      TableResult q = ctx.overwrite(quarantineModel, ctx.warehouse().path(Warehouse.QUARANTINE, table.name()),
          quarantine, rawRows, Map.of("source", c.source().name()));

      new Reconciliation(table.name(), rawRows, written.rows(), q.rows(), duplicates).check();
      LOG.info("Reconciled {}: raw {} = staged {} + quarantined {} + exact duplicates {}", table.name(), rawRows,
          written.rows(), q.rows(), duplicates);
      if (q.rows() > 0) {
        LOG.warn("{} rows of {} quarantined in {}", q.rows(), c.file().path(),
            ctx.warehouse().path(Warehouse.QUARANTINE, table.name()));
      }
    } finally {
      folded.unpersist();
      classified.unpersist();
    }
  }
}
