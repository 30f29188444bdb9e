package org.olist.marts.common.job;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.ConcurrentModificationException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.audit.Details;
import org.olist.marts.common.audit.JobRun;
import org.olist.marts.common.audit.JobRunAudit;
import org.olist.marts.common.audit.PublishedVersions;
import org.olist.marts.common.audit.RunDetail;
import org.olist.marts.common.audit.WriteDetail;
import org.olist.marts.common.catalog.Layer;
import org.olist.marts.common.catalog.ModelCatalog;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.contract.ContractCheck;
import org.olist.marts.common.delta.ChangeFeed;
import org.olist.marts.common.delta.ConflictRetry;
import org.olist.marts.common.delta.DeltaMetric;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.delta.MergeSpec;
import org.olist.marts.common.delta.TableMaintenance;
import org.olist.marts.common.delta.TableSync;
import org.olist.marts.common.delta.Warehouse;
import org.olist.marts.common.delta.WriteMode;
import org.olist.marts.common.delta.WriteRequest;
import org.olist.marts.common.lease.WarehouseLease;
import org.olist.marts.common.spark.Measured;
import org.olist.marts.common.spark.NotNullColumns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a running job needs: session, configuration, catalog, warehouse, and the one way to publish a table
 * (contract check, atomic Delta overwrite, summary log line, audit row).
 */
public final class JobContext {
  private static final Logger LOG = LoggerFactory.getLogger(JobContext.class);
  /** The local property behind {@code SparkContext.setJobDescription}. */
  private static final String JOB_DESCRIPTION = "spark.job.description";
  private static final Set<Layer> PINNED_LAYERS = EnumSet.of(Layer.STAGING, Layer.INTERMEDIATE, Layer.MARTS);

  private final SparkSession spark;
  private final OlistConfig config;
  private final String job;
  private final Warehouse warehouse;
  private final WarehouseLease lease;
  /** Identifies this attempt of the job in its audit rows ({@link PublishedVersions#ATTEMPT}). */
  private final String attempt = UUID.randomUUID().toString();
  /** When the job started: every audit row says it ({@link JobRun#JOB_STARTED_AT}). */
  private final Instant started = Instant.now();
  private PublishedVersions published;
  private final Map<String, Optional<Long>> pinned = new ConcurrentHashMap<>();
  private final Map<String, Dataset<Row>> feeds = new ConcurrentHashMap<>();
  /** What this job measured ({@link #measured}), released when it ends. */
  private final List<Dataset<Row>> measuredSets = Collections.synchronizedList(new ArrayList<>());
  private final List<JobRun> runs = Collections.synchronizedList(new ArrayList<>());
  private final List<TableResult> results = Collections.synchronizedList(new ArrayList<>());

  /** The class whose build ({@link CodeVersion}) is an input of every table the job builds. */
  private final Class<?> code;

  public JobContext(SparkSession spark, OlistConfig config, String job) {
    this(spark, config, job, null, JobContext.class);
  }

  /**
   * {@code lease}: the warehouse lease the job holds (null when it holds none), checked before every write;
   * {@code code}: the job's class, whose build is an input of what it builds.
   */
  public JobContext(SparkSession spark, OlistConfig config, String job, WarehouseLease lease, Class<?> code) {
    this.spark = spark;
    this.config = config;
    this.job = job;
    this.warehouse = new Warehouse(config.warehouse());
    this.lease = lease;
    this.code = code;
  }

  public SparkSession spark() {
    return spark;
  }

  public OlistConfig config() {
    return config;
  }

  public ModelCatalog catalog() {
    return ModelCatalog.get();
  }

  public Warehouse warehouse() {
    return warehouse;
  }

  public String job() {
    return job;
  }

  public String runId() {
    return config.runId();
  }

  public TableModel table(String name) {
    return catalog().table(name);
  }

  /** Where a catalog table lives in the warehouse. */
  public String path(String table) {
    return warehouse.path(table(table));
  }

  /** Whether a catalog table has been written. */
  public boolean exists(String table) {
    return DeltaTables.exists(spark, path(table));
  }

  /**
   * Reads a catalog table from the warehouse. A table of an upstream layer (staging, intermediate, marts) written
   * by another job is read at the version that job's last successful attempt published, so a failed or killed
   * upstream run never leaves this job reading some new tables and some old (SPEC §10); the job's own tables and
   * the audit tables are read as they are now.
   */
  public Dataset<Row> read(String table) {
    String path = warehouse.path(table(table));
    Optional<Long> version = version(table);
    return version.isPresent() ? DeltaTables.read(spark, path, version.get()) : DeltaTables.read(spark, path);
  }

  /** The version {@link #read} reads; empty for the latest. Decided once per table and job. */
  public Optional<Long> version(String table) {
    return pinned.computeIfAbsent(table, this::pin);
  }

  private Optional<Long> pin(String table) {
    TableModel model = table(table);
    if (!PINNED_LAYERS.contains(model.layer())) {
      return Optional.empty();
    }
    Optional<PublishedVersions.Published> published = published().of(model.relativePath());
    if (published.isEmpty()) {
      LOG.warn("No successful write of {} is recorded in audit/{}: reading its latest version",
          model.relativePath(), JobRunAudit.TABLE);
      return Optional.empty();
    }
    if (published.get().job().equals(job)) {
      return Optional.empty();
    }
    PublishedVersions.Published p = published.get();
    long latest = DeltaTables.version(spark, warehouse.path(model));
    if (latest != p.version()) {
      LOG.warn("Reading {} at version {}, published by run {} (job {}); version {} was written by an attempt that did "
          + "not finish", model.relativePath(), p.version(), p.runId(), p.job(), latest);
    }
    return Optional.of(p.version());
  }

  private synchronized PublishedVersions published() {
    if (published == null) {
      published = PublishedVersions.load(spark, warehouse);
    }
    return published;
  }

  /**
   * Checks {@code df} against the contract of {@code table} (names, order, types) and fails before anything
   * is written; the contract's NOT NULL columns get a row-level assertion, and Delta checks them again on write.
   */
  public Dataset<Row> conform(TableModel model, Dataset<Row> df) {
    ContractCheck.enforce(model, df.schema(), false);
    List<String> notNull = model.columns().stream().filter(c -> !c.nullable()).map(c -> c.name()).toList();
    Dataset<Row> conformed = NotNullColumns.enforce(df, model.relativePath(), notNull);
    ContractCheck.enforce(model, conformed.schema());
    return conformed;
  }

  /** Contract check, then an atomic overwrite of the catalog table. */
  public TableResult publish(String table, Dataset<Row> df) {
    TableModel model = table(table);
    return write(WriteRequest.overwrite(model, warehouse.path(model), df));
  }

  /** The catalog table's {@link WriteMode#SYNC} request: only its difference with the rows is written. */
  public WriteRequest syncOf(String table, Dataset<Row> df) {
    TableModel model = table(table);
    return WriteRequest.sync(model, warehouse.path(model), df);
  }

  /** The catalog table's overwrite request, for a caller that adds details or the rows read. */
  public WriteRequest overwriteOf(String table, Dataset<Row> df) {
    TableModel model = table(table);
    return WriteRequest.overwrite(model, warehouse.path(model), df);
  }

  /**
   * Writes {@code request} in one commit and records it (log line, audit row): the contract checked first (names,
   * order, types, NOT NULL), the Delta options it implies ({@code replaceWhere}, {@code userMetadata}) set here.
   */
  public TableResult write(WriteRequest request) {
    Instant start = request.start().orElseGet(Instant::now);
    TableModel model = request.model();
    String path = request.path();
    Map<String, String> properties = properties(model);
    if (request.mode() == WriteMode.SYNC) {
      Dataset<Row> conformed = conform(model, request.rows().orElseThrow());
      TableSync.Synced synced = write(path, () -> sync(model, path, properties, conformed, request.scope()));
      return recordWrite(name(path), start, synced.rows(), synced.rowsWritten(), synced.version(),
          request.rowsIn().orElse(null),
          request.details().and(synced));
    }
    if (request.mode() == WriteMode.EMPTY) {
      Optional<Long> empty = alreadyEmpty(model, path);
      if (empty.isPresent()) {
        return recordWrite(name(path), start, 0, 0, empty.get(), request.rowsIn().orElse(null), request.details()
            .and(() -> Details.of(WriteDetail.WRITE, TableSync.Mode.UNCHANGED.word())));
      }
    }
    DeltaTables.Commit commit = switch (request.mode()) {
      case EMPTY -> write(path, () -> DeltaTables.empty(spark, path, model.schema(), model.partitionBy(),
          properties));
      case APPEND -> {
        Dataset<Row> conformed = conform(model, request.rows().orElseThrow());
        yield write(path, () -> DeltaTables.append(conformed, path, model.schema(), model.partitionBy(), properties));
      }
      case OVERWRITE, REPLACE_WHERE -> {
        Dataset<Row> conformed = conform(model, request.rows().orElseThrow());
        Map<String, String> options = new LinkedHashMap<>();
        request.replaceWhere().ifPresent(w -> options.put(DeltaTables.REPLACE_WHERE, w));
        request.commitMetadata().ifPresent(m -> options.put(DeltaTables.USER_METADATA, m));
        yield write(path, () -> DeltaTables.overwrite(conformed, path, model.schema(), model.partitionBy(), options,
            properties));
      }
      case SYNC -> throw new IllegalStateException("written above");
    };
    long rows = request.mode() == WriteMode.EMPTY ? 0 : commit.metric(DeltaMetric.NUM_OUTPUT_ROWS);
    return recordWrite(name(path), start, rows, rows, commit.version(), request.rowsIn().orElse(null),
        request.details());
  }

  /**
   * The version of the table at {@code path} when it already is what an {@link WriteMode#EMPTY} write leaves: no data
   * file, the catalog's schema and partitioning (a staging run's quarantine, most days). Then nothing is written:
   * writing nothing over nothing costs a Spark job and a transaction for a commit Delta does not even record. Not on
   * a full refresh, which rebuilds.
   */
  private Optional<Long> alreadyEmpty(TableModel model, String path) {
    if (config.fullRefresh() || !DeltaTables.exists(spark, path)) {
      return Optional.empty();
    }
    TableMaintenance.Detail detail = TableMaintenance.detail(spark, path);
    if (detail.files().files() != 0
        || !DeltaTables.differences(spark, path, model.schema(), model.partitionBy(), detail).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(DeltaTables.version(spark, path));
  }

  /**
   * The table properties a table of {@code model}'s layer keeps: the Change Data Feed where the next layer reads it,
   * deletion vectors where only Spark reads it ({@link Layer#keepsDeletionVectors}).
   */
  private static Map<String, String> properties(TableModel model) {
    Map<String, String> properties = new LinkedHashMap<>();
    if (model.layer().keepsChangeFeed()) {
      properties.put(DeltaTables.CHANGE_FEED, "true");
    }
    if (model.layer().keepsDeletionVectors()) {
      properties.put(DeltaTables.DELETION_VECTORS, "true");
    }
    return properties;
  }

  /**
   * A {@link WriteMode#SYNC} write: the difference merged, or the table replaced where that cannot be, saying why
   * (the feed of a replaced table reads as every row deleted and inserted: its readers rebuild).
   */
  private TableSync.Synced sync(TableModel model, String path, Map<String, String> properties, Dataset<Row> rows,
                                Optional<Dataset<Row>> scope) {
    Optional<String> replace = !DeltaTables.exists(spark, path) ? Optional.of("no table yet")
        : config.fullRefresh() ? Optional.of("full refresh")
        : model.primaryKey().isEmpty() ? Optional.of("no primary key")
        : Optional.empty();
    // one detail of the table serves the catalog check, its properties and the MERGE's own check
    Optional<TableMaintenance.Detail> detail = replace.isPresent() ? Optional.empty()
        : Optional.of(TableMaintenance.detail(spark, path));
    if (detail.isPresent()
        && !DeltaTables.differences(spark, path, model.schema(), model.partitionBy(), detail.get()).isEmpty()) {
      replace = Optional.of("the table differs from the catalog");
    }
    if (replace.isPresent() && scope.isPresent()) {
      throw new OlistException("Cannot write part of " + name(path) + " by its difference: " + replace.get()
          + "; it is computed whole");
    }
    if (replace.isPresent()) {
      return TableSync.Synced.replaced(replace.get(), DeltaTables.overwrite(rows, path, model.schema(),
          model.partitionBy(), Map.of(), properties));
    }
    List<String> stamps = model.columns().stream().filter(c -> c.runStamp()).map(c -> c.name()).toList();
    return TableSync.merge(spark, new TableSync.Target(path, model.schema(), model.partitionBy(), properties,
        model.primaryKey(), stamps), rows, scope, detail.get());
  }

  /**
   * Runs a MERGE into a catalog table in one commit and returns it; the caller records it with the details only
   * it knows ({@link #recordWrite}).
   */
  public DeltaTables.Commit merge(TableModel model, MergeSpec spec) {
    String path = warehouse.path(model);
    return write(path, () -> {
      DeltaTables.ensureProperties(spark, path, properties(model));
      return DeltaTables.merge(spark, path, model.schema(), model.partitionBy(), spec);
    });
  }

  /**
   * Every Delta write of a job goes through here: refused once the run lost the warehouse lease; a conflict with
   * a concurrent commit is retried ({@code olist.delta.conflict-retries}) and then reported in one line; any other
   * failure names the write and its root cause first (SPEC §10).
   */
  private <T> T write(String path, Supplier<T> write) {
    return write(path, "write", write);
  }

  private void write(String path, String what, Runnable write) {
    write(path, what, () -> {
      write.run();
      return path;
    });
  }

  private <T> T write(String path, String what, Supplier<T> write) {
    String name = name(path);
    String described = spark.sparkContext().getLocalProperty(JOB_DESCRIPTION);
    spark.sparkContext().setJobDescription(job + ": " + what + " " + name);
    try {
      return retrying(name, path, write);
    } finally {
      spark.sparkContext().setJobDescription(described);
    }
  }

  private <T> T retrying(String name, String path, Supplier<T> write) {
    return ConflictRetry.run(name, path, config.conflictRetries(), () -> {
      if (lease != null) {
        lease.check();
      }
      try {
        return write.get();
      } catch (OlistException | ConcurrentModificationException e) {
        throw e;
      } catch (Exception e) {
        // Delta's Scala code throws IOExceptions too (DeltaIOException), undeclared
        throw new OlistException("Cannot write " + name + " at " + path + ": " + OlistException.rootCause(e), e);
      }
    }, ConflictRetry::backOff);
  }

  /**
   * Compacts the table at {@code path} (the partitions {@code where} selects, when given) in one commit that changes
   * no row; empty when there was nothing to compact.
   */
  public Optional<DeltaTables.Commit> compact(String path, Optional<String> where) {
    return write(path, "compact", () -> TableMaintenance.compact(spark, path, where));
  }

  /** Deletes the files of the table that no version within the retention references ({@code VACUUM}). */
  public void vacuum(String path, long retentionHours, boolean allowShortRetention) {
    write(path, "vacuum", () -> TableMaintenance.vacuum(spark, path, retentionHours, allowShortRetention));
  }

  /** Writes a checkpoint of the table's current version. */
  public void checkpoint(String path) {
    write(path, "checkpoint", () -> TableMaintenance.checkpoint(spark, path));
  }

  /** A table's name in logs and audit rows: its path under the warehouse ({@code marts/fct_order_items}). */
  public String name(String path) {
    return path.substring(warehouse.root().length() + 1);
  }

  /**
   * Records a write done by the job itself (a MERGE, say): summary log line and audit row; the one place a writer's
   * {@link Details} become the row's details. {@code rows} are the row's {@code rows_out}, {@code written} the rows
   * the commit inserted, updated or deleted ({@link TableResult#rowsWritten}), named in the line when they differ.
   */
  public TableResult recordWrite(String name, Instant start, long rows, long written, long version, Long rowsIn,
                                 Details details) {
    Instant end = Instant.now();
    long millis = Duration.between(start, end).toMillis();
    Map<String, String> detailMap = details.asMap();
    LOG.info("Wrote {}: {} rows{} in {} ms (Delta version {}){}", name, rows,
        written == rows ? "" : " (" + written + " written)", millis, version,
        detailMap.isEmpty() ? "" : " " + detailMap);
    runs.add(new JobRun(runId(), job, name, start, end, JobRun.SUCCEEDED, rowsIn, rows, version, null,
        withAttempt(detailMap)));
    TableResult result = new TableResult(name, rows, written, version, millis, false);
    results.add(result);
    return result;
  }

  /**
   * What a job builds from the catalog tables {@code tables} under {@code rules}: each table at the version {@link
   * #read} reads.
   */
  public Inputs inputs(List<String> tables, Object... rules) {
    Map<String, String> versions = new LinkedHashMap<>();
    for (String t : tables) {
      versions.put(table(t).relativePath(), Long.toString(version(t).orElseGet(() -> DeltaTables.version(spark,
          path(t)))));
    }
    return inputs(versions, rules);
  }

  /**
   * What a catalog table is built from: the tables its catalog entry depends on (its lineage), at the versions {@link
   * #read} reads, under its contract.
   */
  public Inputs inputsOf(String table) {
    TableModel model = table(table);
    return inputs(model.dependsOn(), model.columns());
  }

  /** What a job builds from {@code parts} (name to version or checksum) under {@code rules}, by this build of it. */
  public Inputs inputs(Map<String, String> parts, Object... rules) {
    Map<String, String> all = new LinkedHashMap<>(parts);
    all.put(Inputs.CODE, CodeVersion.of(code));
    return Inputs.of(all, rules);
  }

  /**
   * Writes {@code request} unless the table's published version was built from {@code inputs} ({@link #reuse}):
   * then the version is published again without reading or writing a row. The request is built only when needed.
   */
  public TableResult writeFrom(Inputs inputs, String path, Supplier<WriteRequest> request) {
    Reuse reuse = reuse(path, inputs);
    if (reuse.kept().isPresent()) {
      return recordUnchanged(reuse.kept().get());
    }
    WriteRequest r = request.get();
    return write(r.withDetails(r.details().and(reuse.details())));
  }

  /**
   * Writes the catalog table {@code table} unless its inputs (its catalog lineage) are those its published version
   * was built from ({@link #writeFrom}); otherwise {@code request} builds the write from what changed in them since
   * ({@link #changesSince}: a part of the table, scoped) or, when that cannot be told, from all their rows. The audit
   * row says which and why.
   */
  public TableResult writeFromChanges(String table, Function<InputChanges, WriteRequest> request) {
    String path = path(table);
    Reuse reuse = reuse(path, inputsOf(table));
    if (reuse.kept().isPresent()) {
      return recordUnchanged(reuse.kept().get());
    }
    InputChanges changes = changesSince(reuse, table(table).dependsOn());
    WriteRequest r = request.apply(changes);
    return write(r.withDetails(r.details().and(reuse.details()).and(changes)));
  }

  /**
   * What changed in the catalog tables {@code tables} (the inputs of a table built under {@code reuse}) since its
   * published version was built from them, read from their change feeds at the versions {@link #read} reads now; or,
   * when that cannot be told, why the table is computed whole (SPEC §4: a gap in a feed is never skipped): the
   * reason {@code reuse} builds it when not only its inputs' versions changed, an input not read before, or a feed
   * that cannot say what changed ({@link ChangeFeed.Gap}).
   */
  public InputChanges changesSince(Reuse reuse, List<String> tables) {
    if (reuse.changedSince().isEmpty()) {
      return InputChanges.whole(reuse.reason());
    }
    PublishedVersions.Published since = reuse.changedSince().get();
    String before = since.detail(RunDetail.INPUTS).orElseThrow();
    Map<String, Dataset<Row>> feeds = new LinkedHashMap<>();
    for (String t : tables) {
      try {
        feeds.put(t, changesOf(t, before));
      } catch (ChangeFeed.Gap gap) {
        return whole(since, gap.getMessage());
      }
    }
    LOG.info("Computing {} from what changed in its inputs since version {}", since.table(), since.version());
    return InputChanges.of(feeds);
  }

  /**
   * The change feed of the catalog table {@code table} from its version in the inputs printed {@code before} to the
   * version {@link #read} reads now; read once per job (tables built from the same inputs share it).
   *
   * @throws ChangeFeed.Gap when the print names no version of it, or its feed cannot say what changed
   */
  public Dataset<Row> changesOf(String table, String before) throws ChangeFeed.Gap {
    String name = table(table).relativePath();
    Optional<Long> from = Inputs.versionIn(before, name).filter(v -> v.matches("\\d+")).map(Long::valueOf);
    if (from.isEmpty()) {
      throw new ChangeFeed.Gap(name + " was not read by the version built before", null);
    }
    long to = version(table).orElseGet(() -> DeltaTables.version(spark, path(table)));
    String key = name + "@" + from.get() + ".." + to;
    Dataset<Row> feed = feeds.get(key);
    if (feed == null) {
      feed = ChangeFeed.between(spark, path(table), from.get(), to);
      measuredSets.add(feed);
      feeds.put(key, feed);
    }
    return feed;
  }

  /**
   * {@code rows} computed once and kept with their real size known to Spark's planner ({@link Measured}), until the
   * job ends: a set of changed keys that filters whole tables, so that each join with it broadcasts it.
   */
  public Dataset<Row> measured(Dataset<Row> rows) {
    Dataset<Row> kept = Measured.of(rows);
    measuredSets.add(kept);
    return kept;
  }

  /** Releases what the job measured (its change feeds among them); called once the job ended. */
  void release() {
    synchronized (measuredSets) {
      measuredSets.forEach(Measured::release);
      measuredSets.clear();
    }
  }

  private static InputChanges whole(PublishedVersions.Published since, String reason) {
    LOG.warn("Computing {} whole: {}", since.table(), reason);
    return InputChanges.whole(reason);
  }

  /**
   * Whether the table at {@code path} is kept: yes when this job built its published version from {@code inputs}
   * and that is still its latest version (no attempt wrote over it since); otherwise it is built, and the decision
   * says why (a full refresh, a first run, changed inputs or rules, a version published by another job or written
   * since), also in the log.
   */
  public Reuse reuse(String path, Inputs inputs) {
    Reuse reuse = decide(path, inputs);
    if (reuse.kept().isEmpty()) {
      LOG.info("Building {}: {}", name(path), reuse.reason());
    }
    return reuse;
  }

  private Reuse decide(String path, Inputs inputs) {
    if (config.fullRefresh()) {
      return Reuse.build(inputs, "full refresh");
    }
    Optional<PublishedVersions.Published> found = published().of(name(path));
    if (found.isEmpty()) {
      return Reuse.build(inputs, "no published version");
    }
    PublishedVersions.Published p = found.get();
    if (!p.job().equals(job)) {
      return Reuse.build(inputs, "version " + p.version() + " was published by job " + p.job());
    }
    Optional<String> before = p.detail(RunDetail.INPUTS);
    if (before.isEmpty()) {
      return Reuse.build(inputs, "version " + p.version() + " has no inputs recorded");
    }
    long latest = DeltaTables.exists(spark, path) ? DeltaTables.version(spark, path) : -1;
    if (latest != p.version()) {
      return Reuse.build(inputs, "version " + latest + " is not the published version " + p.version()
          + " (written by an attempt that did not finish)");
    }
    if (!before.get().equals(inputs.print())) {
      String reason = "inputs changed since version " + p.version() + ": " + inputs.changesFrom(before.get());
      return inputs.sameRulesAndCode(before.get()) ? Reuse.buildFromChanges(inputs, reason, p)
          : Reuse.build(inputs, reason);
    }
    return Reuse.keep(p, inputs);
  }

  /**
   * Publishes again a version whose inputs did not change ({@link #reuse}): no commit; the audit row repeats the
   * publishing row's counts and details and names the run that wrote the version.
   */
  public TableResult recordUnchanged(PublishedVersions.Published p) {
    Instant now = Instant.now();
    Map<String, String> details = new LinkedHashMap<>(p.details());
    details.remove(RunDetail.ATTEMPT.key());
    details.remove(RunDetail.JOB_STARTED_AT.key());
    details.putIfAbsent(RunDetail.UNCHANGED_SINCE.key(), p.runId());
    LOG.info("Unchanged {}: built from the same inputs by run {} (Delta version {}, {} rows)", p.table(),
        details.get(RunDetail.UNCHANGED_SINCE.key()), p.version(), p.rowsOut());
    runs.add(new JobRun(runId(), job, p.table(), now, now, JobRun.SUCCEEDED, p.rowsIn(), p.rowsOut(), p.version(),
        null, withAttempt(details)));
    TableResult result = new TableResult(p.table(), p.rowsOut() == null ? 0 : p.rowsOut(), 0, p.version(), 0, true);
    results.add(result);
    return result;
  }

  /** Adds an audit row for a table that was deliberately not written (Type 0 kept, say). */
  public void recordSkip(String name, String reason) {
    Instant now = Instant.now();
    LOG.info("Kept {}: {}", name, reason);
    runs.add(new JobRun(runId(), job, name, now, now, JobRun.SKIPPED, null, null, null, null,
        withAttempt(Details.of(RunDetail.REASON, reason))));
  }

  void recordFailure(Instant start, Throwable error) {
    runs.add(new JobRun(runId(), job, null, start, Instant.now(), JobRun.FAILED, null, null, null,
        String.valueOf(error.getMessage()),
        withAttempt(Details.of(RunDetail.ERROR_CLASS, error.getClass().getSimpleName()))));
  }

  private Map<String, String> withAttempt(Map<String, String> details) {
    Map<String, String> out = new LinkedHashMap<>(details);
    out.put(RunDetail.ATTEMPT.key(), attempt);
    out.put(RunDetail.JOB_STARTED_AT.key(), started.toString());
    return out;
  }

  List<JobRun> runs() {
    synchronized (runs) {
      return List.copyOf(runs);
    }
  }

  public List<TableResult> results() {
    synchronized (results) {
      return List.copyOf(results);
    }
  }
}
