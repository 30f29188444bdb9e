package org.olist.marts.jobs.staging;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.olist.marts.common.catalog.ColumnModel;
import org.olist.marts.common.catalog.TableModel;

/**
 * The staging rules of SPEC §3 as pure frame-to-frame functions: typing, the quarantine reasons, exact
 * duplicates and conflicting keys. Input frames hold the raw strings of a source under the catalog's column
 * names, plus {@link #CORRUPT} (the raw line when the row could not be split into the header's columns)
 * and {@link #FILE}.
 */
public final class StagingTransforms {
  public static final String CORRUPT = "_corrupt_record";
  public static final String FILE = "_source_file";
  public static final String REASON = "_reason";
  public static final String RAW = "_raw";
  public static final String COPIES = "_copies";
  public static final String KEY_ROWS = "_key_rows";
  public static final String TIMESTAMP_FORMAT = "yyyy-MM-dd HH:mm:ss";
  private static final String RAW_PREFIX = "_raw_";

  private StagingTransforms() {
  }

  /** Adds the typed value of every catalog column, the first reason the row cannot be staged, and its raw JSON. */
  public static Dataset<Row> typeAndClassify(Dataset<Row> raw, TableModel model, int expectedColumns,
                                             int maxRawChars) {
    // step 1: raw strings kept under a prefix, typed values computed once under the catalog names
    List<Column> step1 = new ArrayList<>();
    List<Column> rawFields = new ArrayList<>();
    for (ColumnModel c : model.columns()) {
      step1.add(col(c.name()).alias(RAW_PREFIX + c.name()));
      step1.add(typed(c).alias(c.name()));
      rawFields.add(col(RAW_PREFIX + c.name()).alias(c.sourceColumn()));
    }
    step1.add(col(CORRUPT));
    step1.add(col(FILE));
    Dataset<Row> typedRows = raw.select(step1.toArray(Column[]::new));

    // step 2: the first reason the row cannot be staged, and its raw values
    List<Column> reasons = new ArrayList<>();
    reasons.add(when(col(CORRUPT).isNotNull(),
        lit("wrong column count: the row does not split into the header's " + expectedColumns + " columns")));
    for (String key : model.primaryKey()) {
      reasons.add(when(col(key).isNull().and(Normalizations.trimmed(col(RAW_PREFIX + key)).isNull()),
          lit("missing primary key column " + key)));
    }
    for (ColumnModel c : model.columns()) {
      Column value = Normalizations.trimmed(col(RAW_PREFIX + c.name()));
      reasons.add(when(value.isNotNull().and(col(c.name()).isNull()),
          concat(lit("unparseable " + kind(c) + " in column " + c.sourceColumn() + ": '"), value, lit("'"))));
    }
    List<Column> out = new ArrayList<>();
    model.columnNames().forEach(n -> out.add(col(n)));
    out.add(coalesce(reasons.toArray(Column[]::new)).alias(REASON));
    Column json = to_json(struct(rawFields.toArray(Column[]::new)), Map.of("ignoreNullFields", "false"));
    out.add(substring(coalesce(col(CORRUPT), json), 1, maxRawChars).alias(RAW));
    out.add(col(FILE));
    return typedRows.select(out.toArray(Column[]::new));
  }

  private static String kind(ColumnModel c) {
    if (Normalizations.ZIP.equals(c.normalize())) {
      return "zip code";
    }
    return c.type().typeName().replaceAll("\\(.*", "");
  }

  /** The typed value of a catalog column from its raw string; null when it cannot be typed. */
  static Column typed(ColumnModel c) {
    Column raw = col(c.name());
    if (c.type().equals(DataTypes.StringType)) {
      return Normalizations.apply(c.normalize(), raw);
    }
    if (c.type().equals(DataTypes.TimestampType)) {
      return try_to_timestamp(Normalizations.trimmed(raw), lit(TIMESTAMP_FORMAT));
    }
    return Normalizations.trimmed(raw).try_cast(c.type());
  }

  /** Rows that can be typed, exact duplicates folded: one row per distinct typed row, with its copy count. */
  public static Dataset<Row> foldDuplicates(Dataset<Row> classified, TableModel model) {
    Column[] keys = model.columnNames().stream().map(n -> col(n)).toArray(Column[]::new);
    Dataset<Row> folded = classified.filter(col(REASON).isNull())
        .groupBy(keys)
        .agg(count(lit(1)).alias(COPIES), first(col(RAW)).alias(RAW), first(col(FILE)).alias(FILE));
    if (model.primaryKey().isEmpty()) {
      return folded.withColumn(KEY_ROWS, lit(1L));
    }
    Column[] pk = model.primaryKey().stream().map(n -> col(n)).toArray(Column[]::new);
    return folded.withColumn(KEY_ROWS, count(lit(1)).over(Window.partitionBy(pk)));
  }

  /** The staged table: distinct rows whose key no other distinct row shares, in catalog order. */
  public static Dataset<Row> staged(Dataset<Row> folded, TableModel model) {
    return folded.filter(col(KEY_ROWS).equalTo(1))
        .select(model.columnNames().stream().map(n -> col(n)).toArray(Column[]::new));
  }

  /** Rows rejected by typing plus every version of a conflicting key, as (reason, raw, file). */
  public static Dataset<Row> rejected(Dataset<Row> classified, Dataset<Row> folded, TableModel model) {
    Dataset<Row> untyped = classified.filter(col(REASON).isNotNull()).select(col(REASON), col(RAW), col(FILE));
    if (model.primaryKey().isEmpty()) {
      return untyped;
    }
    List<Column> keyParts = new ArrayList<>();
    for (String key : model.primaryKey()) {
      keyParts.add(concat(lit(key + "="), col(key).cast(DataTypes.StringType)));
    }
    Column reason = concat(lit("conflicting duplicate for primary key ("),
        concat_ws(", ", keyParts.toArray(Column[]::new)), lit("): rows share the key but differ"));
    Dataset<Row> conflicts = folded.filter(col(KEY_ROWS).gt(1)).select(reason.alias(REASON), col(RAW), col(FILE));
    return untyped.unionByName(conflicts);
  }

  /** Quarantine rows in the catalog's {@code quarantine_rows} layout. */
  public static Dataset<Row> quarantine(Dataset<Row> rejected, String source, String runId, Timestamp at) {
    return rejected.filter(col(REASON).isNotNull()).select(
        lit(source).alias("source"),
        col(FILE).alias("source_file"),
        col(REASON).alias("reason"),
        col(RAW).alias("raw_values"),
        lit(runId).alias("run_id"),
        lit(at).alias("quarantined_at"));
  }
}
