package org.olist.marts.jobs.maintenance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.audit.Details;
import org.olist.marts.common.audit.PublishedVersions;
import org.olist.marts.common.audit.WriteDetail;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.delta.DeltaMetric;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.delta.KeptPrints;
import org.olist.marts.common.delta.TableMaintenance.Files;
import org.olist.marts.common.delta.TableMaintenance;
import org.olist.marts.common.delta.WriteRequest;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.JobMain;
import org.olist.marts.common.job.OlistJob;
import org.olist.marts.jobs.warehouse.AuditDetail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routine upkeep of every Delta table of the warehouse (meant to run weekly, not part of the default run):
 * compaction of the partitions written since the last one (of an unpartitioned table when it has many small
 * files), {@code VACUUM} with the configured retention, a checkpoint of a long log. It never changes a row: a
 * compaction commit is {@code dataChange=false}, the month prints kept for the compacted version are kept for the
 * compaction's version too (the next incremental load still uses them), and files a reader of the previous
 * version needs stay until the retention has passed. A compaction is recorded in {@code audit/job_runs} as the
 * table's published version, so the next layer reads it; a table whose latest version was written by an attempt
 * that did not finish is left alone (compacting it would publish that attempt's rows).
 */
public final class MaintainJob extends OlistJob {
  public static final String NAME = "maintain";
  public static final String TABLE = "maintenance_runs";

  /** A compaction's audit row: recorded as the table's published version (it changes no row). */
  record Compaction(long filesRemoved, long filesAdded) implements Details {
    static final String OPERATION = "compaction";

    @Override
    public Map<String, String> asMap() {
      return Details.of(AuditDetail.OPERATION, OPERATION, WriteDetail.FILES_REMOVED, filesRemoved,
          WriteDetail.FILES_ADDED, filesAdded);
    }
  }

  /** The maintain job's own row: how many tables it maintained, in how long. */
  record MaintenanceRun(int tables, long seconds) implements Details {
    @Override
    public Map<String, String> asMap() {
      return Details.of(AuditDetail.TABLES, tables, AuditDetail.SECONDS, seconds);
    }
  }
  private static final Logger LOG = LoggerFactory.getLogger(MaintainJob.class);

  public static void main(String[] args) {
    JobMain.main(new MaintainJob(), args);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected void execute(JobContext ctx) {
    OlistConfig.Maintenance settings = ctx.config().maintenance();
    // refused before any table is touched
    TableMaintenance.checkRetention(settings.vacuumRetentionHours(), settings.allowShortRetention(),
        "the warehouse " + ctx.warehouse().root());
    TableModel model = ctx.table(TABLE);
    Configuration conf = ctx.spark().sparkContext().hadoopConfiguration();
    PublishedVersions published = PublishedVersions.load(ctx.spark(), ctx.warehouse());
    String own = ctx.path(TABLE);
    List<Row> rows = new ArrayList<>();
    Instant start = Instant.now();
    for (String path : selected(ctx, TableMaintenance.tablesUnder(conf, ctx.warehouse().root()), settings.tables())) {
      if (!path.equals(own)) {
        TableUpkeep upkeep = maintain(ctx, conf, published, path);
        LOG.info("Maintained {}", upkeep);
        rows.add(upkeep.toRow(model));
      }
    }
    long seconds = Duration.between(start, Instant.now()).toSeconds();
    ctx.write(WriteRequest.append(model, ctx.path(TABLE), ctx.spark().createDataFrame(rows, model.schema()))
        .withDetails(new MaintenanceRun(rows.size(), seconds)));
  }

  /** The tables {@code olist.maintenance.tables} names (all when it names none); a name with no table is refused. */
  private static List<String> selected(JobContext ctx, List<String> paths, List<String> names) {
    if (names.isEmpty()) {
      return paths;
    }
    Set<String> found = paths.stream().map(ctx::name).collect(Collectors.toSet());
    List<String> missing = names.stream().filter(n -> !found.contains(n)).toList();
    if (!missing.isEmpty()) {
      throw new OlistException("Cannot maintain " + String.join(", ", missing) + ": no such Delta table under "
          + ctx.warehouse().root() + " (" + OlistConfig.MAINTENANCE_TABLES + " names tables as <layer>/<table>, "
          + "e.g. marts/fct_order_items); nothing was maintained");
    }
    return paths.stream().filter(p -> names.contains(ctx.name(p))).toList();
  }

  private static TableUpkeep maintain(JobContext ctx, Configuration conf, PublishedVersions published, String path) {
    OlistConfig.Maintenance settings = ctx.config().maintenance();
    Instant start = Instant.now();
    String name = ctx.name(path);
    TableMaintenance.Detail detail = TableMaintenance.detail(ctx.spark(), path);
    Files before = detail.files();
    Files storage = TableMaintenance.onStorage(conf, path);
    long latest = DeltaTables.version(ctx.spark(), path);
    Optional<PublishedVersions.Published> publication = published.of(name);
    if (publication.isPresent() && publication.get().version() != latest) {
      String note = "left alone: version " + latest + " was written by an attempt that did not finish (the "
          + "published version is " + publication.get().version() + ")";
      return new TableUpkeep(ctx.runId(), name, start, millisSince(start), Optional.empty(), Optional.empty(),
          before, before, storage, storage, false, Optional.of(note));
    }

    Optional<String> scope = compactionScope(conf, path, detail, settings);
    Optional<DeltaTables.Commit> compaction = scope.isEmpty() ? Optional.empty() : ctx.compact(path, scope);
    compaction.ifPresent(commit -> {
      // a compaction changes no row: the prints kept for the version it compacted describe it too
      KeptPrints.carryOver(ctx.spark(), path, latest, commit.version());
      if (publication.isPresent()) {
        ctx.recordWrite(name, start, 0, 0, commit.version(), null, new Compaction(
            commit.metric(DeltaMetric.NUM_REMOVED_FILES), commit.metric(DeltaMetric.NUM_ADDED_FILES)));
      }
    });
    Files after = compaction.map(before::compactedBy).orElse(before);

    Files storageBefore = compaction.map(storage::storedAfter).orElse(storage);
    ctx.vacuum(path, settings.vacuumRetentionHours(), settings.allowShortRetention());
    Files storageAfter = TableMaintenance.onStorage(conf, path);

    boolean checkpoint = settings.checkpointAfterCommits() > 0
        && TableMaintenance.commitsSinceCheckpoint(ctx.spark(), path) >= settings.checkpointAfterCommits();
    if (checkpoint) {
      ctx.checkpoint(path);
    }
    return new TableUpkeep(ctx.runId(), name, start, millisSince(start), scope.filter(s -> compaction.isPresent()),
        compaction.map(DeltaTables.Commit::version), before, after, storageBefore, storageAfter, checkpoint,
        Optional.empty());
  }

  /**
   * What to compact: a partitioned table in the partitions written since its last compaction; an unpartitioned
   * one as a whole once it holds many small files; empty when nothing.
   */
  private static Optional<String> compactionScope(Configuration conf, String path, TableMaintenance.Detail detail,
                                                  OlistConfig.Maintenance settings) {
    Files current = detail.files();
    if (current.files() < 2) {
      return Optional.empty();
    }
    if (!detail.partitionColumns().isEmpty()) {
      return TableMaintenance.partitionsWrittenSinceCompaction(conf, path);
    }
    boolean manySmall = current.files() >= settings.minSmallFiles()
        && current.bytes() / current.files() < settings.smallFileBytes();
    return manySmall ? Optional.of(TableMaintenance.ALL_PARTITIONS) : Optional.empty();
  }

  private static long millisSince(Instant start) {
    return Duration.between(start, Instant.now()).toMillis();
  }
}
