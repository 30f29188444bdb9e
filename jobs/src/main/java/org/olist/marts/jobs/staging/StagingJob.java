package org.olist.marts.jobs.staging;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.catalog.ColumnModel;
import org.olist.marts.common.catalog.Layer;
import org.olist.marts.common.catalog.SourceModel;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.common.delta.WriteRequest;
import org.olist.marts.common.job.Inputs;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.JobMain;
import org.olist.marts.common.job.OlistJob;
import org.olist.marts.common.job.Parallel;
import org.olist.marts.common.job.Phases;
import org.olist.marts.common.job.Reuse;
import org.olist.marts.common.job.TableResult;
import org.olist.marts.jobs.staging.RecordScan.RecordLine;
import org.olist.marts.jobs.warehouse.PipelineJobs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Staging (SPEC §3): one typed Delta table per source file, rejected rows in {@code quarantine/stg_<source>},
 * and the reconciliation raw = staged + quarantined + exact duplicates checked for every source. A staged table is
 * written by its difference with the file's rows (new keys inserted, changed rows updated, keys gone deleted, SPEC
 * §4) and keeps the Change Data Feed the intermediate job reads; a file identical to the one last staged is not read
 * at all; the quarantine is the run's own. All files
 * are checked (presence, emptiness, header) before anything is written, so bad input changes nothing.
 * Sources are staged concurrently ({@code olist.staging.parallelism}): each is small, and overlapping one
 * source's Delta commit with another's scan keeps both cores busy.
 */
public final class StagingJob extends OlistJob {
  public static final String NAME = PipelineJobs.STAGING;
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
    Parallel.map(ctx.config().stagingParallelism(), checked, c -> {
      stage(ctx, c);
      return c;
    });
  }

  /** The input must be a directory: a file or a wrong path is named as such, not as nine missing files. */
  static void requireDirectory(String input, Configuration conf) {
    Path path = new Path(input);
    FileStatus status;
    try {
      status = path.getFileSystem(conf).getFileStatus(path);
    } catch (FileNotFoundException e) {
      throw new OlistException("Cannot stage: the input directory " + input + " does not exist (set --input or "
          + "OLIST_INPUT to the folder holding the Olist CSV files)");
    } catch (IOException e) {
      throw new OlistException("Cannot stage: the input " + input + " cannot be read: " + e.getMessage(), e);
    }
    if (!status.isDirectory()) {
      throw new OlistException("Cannot stage: the input " + input + " is a file, not a directory (set --input to "
          + "the folder holding the Olist CSV files)");
    }
  }

  private List<Checked> preflight(JobContext ctx) {
    String input = ctx.config().input();
    requireDirectory(input, ctx.spark().sparkContext().hadoopConfiguration());
    List<String> errors = new ArrayList<>();
    List<Checked> out = new ArrayList<>();
    for (TableModel table : ctx.catalog().tablesInLayer(Layer.STAGING)) {
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
      Set<String> seen = new HashSet<>();
      for (String name : file.header()) {
        // Spark resolves column names case-insensitively: seller_id and SELLER_ID are the same column to it
        if (name.isEmpty() || !seen.add(name.toLowerCase(Locale.ROOT))) {
          errors.add("file " + path + " has an empty or repeated column name '" + name + "' in its header"
              + " (names are compared ignoring case)");
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

  /**
   * One source file staged, in named phases: its records counted from the file, parsed and classified (typed or
   * quarantined, swallowed records recovered), exact duplicates folded, the staged table and its quarantine written,
   * and the reconciliation checked before and after the writes (SPEC §3, §10).
   */
  private void stage(JobContext ctx, Checked c) {
    TableModel table = c.table();
    Instant start = Instant.now();
    Phases phases = new Phases(ctx.spark().sparkContext(), NAME + ": " + table.name());
    Classified classified = null;
    Dataset<Row> folded = null;
    try {
      phases.start("count the file's records");
      RecordScan.Counted counted = RecordScan.count(c.file().path(), c.source().recordStart(),
          ctx.spark().sparkContext().hadoopConfiguration());
      long records = counted.records();
      Optional<Reuse> build = keepOrBuild(ctx, c, inputs(ctx, c, counted), records);
      if (build.isEmpty()) {
        return;
      }
      phases.start("parse and classify");
      classified = classify(ctx, c, records, phases);
      phases.start("fold duplicates and reconcile");
      folded = StagingTransforms.foldDuplicates(classified.rows(), table).persist(StorageLevel.MEMORY_AND_DISK());
      Folded counts = Folded.of(folded);
      long quarantined = classified.untyped() + counts.conflicts();
      new Reconciliation(table.name(), records, counts.staged(), quarantined, counts.duplicates()).check();
      phases.start("write the staged table and its quarantine");
      TableResult written = ctx.write(ctx.syncOf(table.name(), StagingTransforms.staged(folded, table))
          .withRowsIn(records).withDetails(new StagedFile(c.file().path(), records, classified.parserRecords(),
              quarantined, counts.duplicates(), counts.conflicts()).and(build.get().details())));
      TableResult q = ctx.write(quarantine(ctx, c, classified, folded, quarantined, counts.conflicts(), start).withRowsIn(records)
          .withDetails(new StagedFile.Quarantine(c.source().name()).and(build.get().details())));
      new Reconciliation(table.name(), records, written.rows(), q.rows(), counts.duplicates()).check();
      LOG.info("Reconciled {}: raw {} = staged {} + quarantined {} + exact duplicates {}", table.name(), records,
          written.rows(), q.rows(), counts.duplicates());
      if (q.rows() > 0) {
        LOG.warn("{} rows of {} quarantined in {}", q.rows(), c.file().path(), q.table());
      }
    } finally {
      phases.stop();
      if (folded != null) {
        folded.unpersist();
      }
      if (classified != null) {
        classified.rows().unpersist();
      }
    }
  }

  /**
   * What a staged table is built from: the file's bytes, under the rules that type and check them (the staged and
   * quarantine contracts, the source's reading rules, the raw-text cut).
   */
  private static Inputs inputs(JobContext ctx, Checked c, RecordScan.Counted counted) {
    return ctx.inputs(Map.of(c.source().file(), counted.print()), c.table().columns(), c.table().primaryKey(),
        c.source(), ctx.table(QUARANTINE_TABLE).columns(), ctx.config().maxRawChars());
  }

  /**
   * Whether the file is the one the staged table and its quarantine were last built from (same bytes, same rules,
   * neither table written since): then neither is read nor written again, and the audit rows say so (issue 33);
   * otherwise why both are built.
   */
  private static Optional<Reuse> keepOrBuild(JobContext ctx, Checked c, Inputs inputs, long records) {
    Reuse staged = ctx.reuse(ctx.path(c.table().name()), inputs);
    if (staged.kept().isEmpty()) {
      return Optional.of(staged);
    }
    if (staged.kept().get().rowsIn() == null || staged.kept().get().rowsIn() != records) {
      return Optional.of(staged.buildFor("the file's records differ from the published version's"));
    }
    Reuse quarantine = ctx.reuse(ctx.warehouse().path(Layer.QUARANTINE, c.table().name()), inputs);
    if (quarantine.kept().isEmpty()) {
      return Optional.of(staged.buildFor("its quarantine: " + quarantine.reason()));
    }
    ctx.recordUnchanged(staged.kept().get());
    ctx.recordUnchanged(quarantine.kept().get());
    return Optional.empty();
  }

  /**
   * The parser's rows typed and classified (persisted), with the records a stray quote made it swallow recovered from
   * the file's lines when its count differs from the file's.
   *
   * @param lost the swallowed records, as quarantine rows; null when none
   * @param untyped rows that could not be typed, swallowed records included
   */
  private record Classified(Dataset<Row> rows, Dataset<Row> lost, long parserRecords, long untyped) {
  }

  private Classified classify(JobContext ctx, Checked c, long records, Phases phases) {
    TableModel table = c.table();
    Dataset<Row> raw = RawSourceReader.read(ctx.spark(), c.file(), c.source(), table);
    int maxRawChars = ctx.config().maxRawChars();
    int columns = c.file().header().size();
    Dataset<Row> classified = StagingTransforms.typeAndClassify(raw, table, columns, maxRawChars)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Row in = counts(classified);
    if (in.getLong(0) == records) {
      return new Classified(classified, null, in.getLong(0), in.isNullAt(1) ? 0 : in.getLong(1));
    }
    phases.start("match the parser's records to the file's lines");
    ParserLoss loss = explainParserLoss(ctx, c, raw, records, in.getLong(0));
    classified.unpersist();
    classified = StagingTransforms.typeAndClassify(noteSwallowers(raw, c, loss), table, columns, maxRawChars)
        .persist(StorageLevel.MEMORY_AND_DISK());
    in = counts(classified);
    return new Classified(classified, lostRecords(ctx, c, loss, maxRawChars), in.getLong(0),
        (in.isNullAt(1) ? 0 : in.getLong(1)) + loss.lost().size());
  }

  /** What folding the exact duplicates left: rows staged, duplicates dropped, rows of conflicting keys. */
  private record Folded(long staged, long duplicates, long conflicts) {
    static Folded of(Dataset<Row> folded) {
      Row f = folded.agg(
          sum(col(StagingTransforms.COPIES).minus(1)),
          sum(when(col(StagingTransforms.KEY_ROWS).equalTo(1), 1).otherwise(0)),
          sum(when(col(StagingTransforms.KEY_ROWS).gt(1), 1).otherwise(0))).first();
      return new Folded(f.isNullAt(1) ? 0 : f.getLong(1), f.isNullAt(0) ? 0 : f.getLong(0),
          f.isNullAt(2) ? 0 : f.getLong(2));
    }
  }

  /**
   * The quarantine's write: empty in one commit when nothing was rejected, else the rejected and lost rows (the
   * conflicting keys' versions looked up only when the fold found some).
   */
  private static WriteRequest quarantine(JobContext ctx, Checked c, Classified classified, Dataset<Row> folded,
                                         long quarantined, long conflicts, Instant start) {
    TableModel model = ctx.table(QUARANTINE_TABLE);
    String path = ctx.warehouse().path(Layer.QUARANTINE, c.table().name());
    if (classified.lost() == null && quarantined == 0) {
      // nothing to quarantine (the counts say so; the reconciliation after the writes checks the staged rows)
      return WriteRequest.empty(model, path);
    }
    Dataset<Row> rejected = conflicts == 0 ? StagingTransforms.untyped(classified.rows())
        : StagingTransforms.rejected(classified.rows(), folded, c.table());
    return WriteRequest.overwrite(model, path, StagingTransforms.quarantine(classified.lost() == null ? rejected
        : rejected.unionByName(classified.lost()), c.source().name(), ctx.runId(), Timestamp.from(start)));
  }

  /** The parser's records and how many of them could not be typed. */
  private static Row counts(Dataset<Row> classified) {
    return classified.agg(count(lit(1)), sum(when(col(StagingTransforms.REASON).isNotNull(), 1).otherwise(0)))
        .first();
  }

  /** The header positions of {@link #recordKey} in the file. */
  private static List<Integer> keyPositions(Checked c) {
    return recordKey(c.table()).stream().map(k -> c.file().header().indexOf(k.sourceColumn())).toList();
  }

  /** The key columns that identify a record of the file: the primary key, or every column of a keyless table. */
  private static List<ColumnModel> recordKey(TableModel table) {
    return table.primaryKey().isEmpty() ? table.columns()
        : table.primaryKey().stream().map(table::column).toList();
  }

  /** Why the parser read a different number of records than the file holds, line by line (SPEC §10). */
  private ParserLoss explainParserLoss(JobContext ctx, Checked c, Dataset<Row> raw, long records, long parsed) {
    String path = c.file().path();
    LOG.warn("File {} holds {} records but the CSV parser read {}: matching them line by line", path, records,
        parsed);
    List<ColumnModel> key = recordKey(c.table());
    List<List<String>> parsedKeys = new ArrayList<>();
    Column[] keyCols = key.stream().map(k -> col(k.name())).toArray(Column[]::new);
    for (Row r : raw.select(keyCols).collectAsList()) {
      List<String> values = new ArrayList<>(keyCols.length);
      for (int i = 0; i < keyCols.length; i++) {
        values.add(r.getString(i));
      }
      parsedKeys.add(ParserLoss.key(values));
    }
    ParserLoss loss = ParserLoss.explain(path,
        RecordScan.records(path, c.source().recordStart(), ctx.spark().sparkContext().hadoopConfiguration()),
        keyPositions(c), parsedKeys);
    loss.swallowers().forEach((by, lines) -> LOG.warn("{}: the record at line {} swallowed the records at lines {}",
        path, by.number(), lines));
    return loss;
  }

  /** The raw frame with the records that swallowed others noted for quarantine. */
  private static Dataset<Row> noteSwallowers(Dataset<Row> raw, Checked c, ParserLoss loss) {
    List<ColumnModel> key = recordKey(c.table());
    List<Integer> positions = keyPositions(c);
    Column[] parts = key.stream().map(k -> trim(coalesce(col(k.name()), lit("")), ParserLoss.TRIMMED))
        .toArray(Column[]::new);
    Column recordKey = concat_ws(ParserLoss.KEY_SEPARATOR, parts);
    Column note = lit(null).cast(DataTypes.StringType);
    for (Map.Entry<RecordLine, List<Long>> e : loss.swallowers().entrySet()) {
      note = when(recordKey.equalTo(lit(ParserLoss.keyText(e.getKey(), positions))),
          lit("the record at line " + e.getKey().number() + " swallowed the " + e.getValue().size()
              + " record(s) after it (lines " + e.getValue().stream().map(String::valueOf)
              .collect(Collectors.joining(", ")) + "): an unbalanced quote in it?")).otherwise(note);
    }
    return raw.withColumn(StagingTransforms.PARSER_NOTE, note);
  }

  /** One quarantine row per record line the parser did not read. */
  private static Dataset<Row> lostRecords(JobContext ctx, Checked c, ParserLoss loss, int maxRawChars) {
    List<Row> rows = new ArrayList<>();
    for (ParserLoss.Lost l : loss.lost()) {
      rows.add(RowFactory.create("not read as a record: swallowed by the record at line " + l.swallower().number()
          + " (an unbalanced quote there?); line " + l.line().number(), l.line().text()));
    }
    StructType schema = new StructType()
        .add(StagingTransforms.REASON, DataTypes.StringType)
        .add(StagingTransforms.RAW, DataTypes.StringType);
    return ctx.spark().createDataFrame(rows, schema)
        .withColumn(StagingTransforms.RAW, StagingTransforms.cut(col(StagingTransforms.RAW), maxRawChars))
        .withColumn(StagingTransforms.FILE, lit(new Path(c.file().path()).toUri().toString()));
  }
}
