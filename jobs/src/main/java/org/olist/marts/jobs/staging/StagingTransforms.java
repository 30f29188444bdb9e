package org.olist.marts.jobs.staging;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.olist.marts.common.catalog.ColumnModel;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.common.spark.Keys;

/**
 * The staging rules of SPEC §3 as pure frame-to-frame functions: typing, the quarantine reasons, exact
 * duplicates and conflicting keys. Input frames hold the raw strings of a source under the catalog's column
 * names, plus {@link #CORRUPT} (the raw line when the row could not be split into the header's columns)
 * and {@link #FILE}.
 */
public final class StagingTransforms {
  public static final String CORRUPT = "_corrupt_record";
  /** Optional input column: why the record must be quarantined although it parsed (see {@link ParserLoss}). */
  public static final String PARSER_NOTE = "_parser_note";
  public static final String FILE = "_source_file";
  public static final String REASON = "_reason";
  public static final String RAW = "_raw";
  public static final String COPIES = "_copies";
  public static final String KEY_ROWS = "_key_rows";
  public static final String UNTYPED_VERSION = "_untyped_version";
  private static final String UNTYPED_MARK = "_untyped_mark";
  public static final String TIMESTAMP_FORMAT = "yyyy-MM-dd HH:mm:ss";
  private static final String RAW_PREFIX = "_raw_";
  private static final String TRIMMED_PREFIX = "_trimmed_";
  /** Digits with an optional sign and decimal point: no exponent, no NaN, no thousands separator. */
  private static final String DECIMAL_SYNTAX = "^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)$";
  /**
   * What the UTF-8 decoder puts in place of bytes that are not UTF-8 (a Latin-1 {@code ã}, say): a value holding
   * it was changed on reading, so it is quarantined rather than staged (SPEC §10).
   */
  static final String INVALID_UTF8 = "\uFFFD";
  /** Appended to a raw text cut at {@code max-raw-chars}. */
  public static final String CUT_MARK = "…[cut";

  private StagingTransforms() {
  }

  /** Adds the typed value of every catalog column, the first reason the row cannot be staged, and its raw JSON. */
  public static Dataset<Row> typeAndClassify(Dataset<Row> raw, TableModel model, int expectedColumns,
                                             int maxRawChars) {
    boolean noted = List.of(raw.columns()).contains(PARSER_NOTE);
    List<Column> carried = new ArrayList<>(List.of(col(CORRUPT), col(FILE)));
    if (noted) {
      carried.add(col(PARSER_NOTE));
    }
    // step 0: each raw string kept under a prefix and trimmed once, under another (typing and the reasons read it)
    List<Column> step0 = new ArrayList<>();
    for (ColumnModel c : model.columns()) {
      step0.add(col(c.name()).alias(RAW_PREFIX + c.name()));
      step0.add(Normalizations.trimmed(col(c.name())).alias(TRIMMED_PREFIX + c.name()));
    }
    step0.addAll(carried);
    Dataset<Row> trimmedRows = raw.select(step0.toArray(Column[]::new));

    // step 1: typed values computed once under the catalog names
    List<Column> step1 = new ArrayList<>();
    List<Column> rawFields = new ArrayList<>();
    for (ColumnModel c : model.columns()) {
      step1.add(col(RAW_PREFIX + c.name()));
      step1.add(col(TRIMMED_PREFIX + c.name()));
      step1.add(typed(c, col(TRIMMED_PREFIX + c.name())).alias(c.name()));
      rawFields.add(col(RAW_PREFIX + c.name()).alias(c.sourceColumn()));
    }
    step1.addAll(carried);
    Dataset<Row> typedRows = trimmedRows.select(step1.toArray(Column[]::new));

    // step 2: the first reason the row cannot be staged, and its raw values
    List<Column> reasons = new ArrayList<>();
    if (noted) {
      reasons.add(col(PARSER_NOTE));
    }
    reasons.add(when(col(CORRUPT).isNotNull(),
        lit("wrong column count: the row does not split into the header's " + expectedColumns + " columns")));
    for (String key : model.primaryKey()) {
      reasons.add(when(col(key).isNull().and(col(TRIMMED_PREFIX + key).isNull()),
          lit("missing primary key column " + key)));
    }
    for (ColumnModel c : model.columns()) {
      reasons.add(when(col(RAW_PREFIX + c.name()).contains(INVALID_UTF8), concat(lit("invalid UTF-8 (bytes read as "
          + "U+FFFD) in column " + c.sourceColumn() + ": '"), col(RAW_PREFIX + c.name()), lit("'"))));
    }
    for (ColumnModel c : model.columns()) {
      Column value = col(TRIMMED_PREFIX + c.name());
      reasons.add(when(value.isNotNull().and(col(c.name()).isNull()),
          concat(whyUntyped(c, value), lit(" in column " + c.sourceColumn() + ": '"), value, lit("'"))));
    }
    List<Column> out = new ArrayList<>();
    model.columnNames().forEach(n -> out.add(col(n)));
    out.add(coalesce(reasons.toArray(Column[]::new)).alias(REASON));
    Column json = to_json(struct(rawFields.toArray(Column[]::new)), Map.of("ignoreNullFields", "false"));
    out.add(cut(coalesce(col(CORRUPT), json), maxRawChars).alias(RAW));
    out.add(col(FILE));
    return typedRows.select(out.toArray(Column[]::new));
  }

  private static String kind(ColumnModel c) {
    if (Normalizations.ZIP.equals(c.normalize())) {
      return "zip code";
    }
    return c.type().typeName().replaceAll("\\(.*", "");
  }

  /**
   * The raw text, cut to {@code maxChars} with a marker saying so (and how long it was), so a quarantined value
   * is never mistaken for the whole one.
   */
  static Column cut(Column raw, int maxChars) {
    return when(length(raw).gt(maxChars), concat(substring(raw, 1, maxChars), lit(CUT_MARK + " of "),
        length(raw).cast(DataTypes.StringType), lit(" chars]"))).otherwise(raw);
  }

  /** A way a present value fails its column's type; the first that matches names the quarantine reason. */
  private record ValueRule(String reason, Column fails) {
  }

  /**
   * The typed value of a catalog column from its {@link Normalizations#trimmed} string {@code v}; null when it
   * cannot be typed. Nothing is changed on the way (SPEC §10): a decimal is plain digits with at most the column's
   * scale of significant decimals (no rounding, no exponent) and must fit its precision; a floating-point number
   * must be finite and inside the catalog's {@code range}.
   */
  static Column typed(ColumnModel c, Column v) {
    if (c.type().equals(DataTypes.StringType)) {
      return Normalizations.apply(c.normalize(), v);
    }
    Column fails = valueRules(c, v).stream().map(ValueRule::fails).reduce(Column::or).orElseThrow();
    return when(not(coalesce(fails, lit(false))), parsed(c, v));
  }

  private static Column parsed(ColumnModel c, Column v) {
    return c.type().equals(DataTypes.TimestampType) ? try_to_timestamp(v, lit(TIMESTAMP_FORMAT))
        : v.try_cast(c.type());
  }

  /** The ways a present (trimmed) value {@code v} fails column {@code c}, most specific first. */
  private static List<ValueRule> valueRules(ColumnModel c, Column v) {
    Column number = parsed(c, v);
    if (c.type() instanceof DecimalType d) {
      return List.of(
          new ValueRule("unparseable decimal", not(v.rlike(DECIMAL_SYNTAX))),
          new ValueRule("more than " + d.scale() + " decimals (not rounded)",
              length(significantDecimals(v)).gt(d.scale())),
          new ValueRule("overflows " + d.simpleString().toUpperCase(), number.isNull()));
    }
    List<ValueRule> rules = new ArrayList<>(List.of(new ValueRule("unparseable " + kind(c), number.isNull())));
    if (c.type().equals(DataTypes.DoubleType) || c.type().equals(DataTypes.FloatType)) {
      rules.add(new ValueRule("non-finite number",
          isnan(number).or(abs(number).equalTo(lit(Double.POSITIVE_INFINITY)))));
      if (c.min() != null) {
        rules.add(new ValueRule("out of range [" + c.min() + ", " + c.max() + "]",
            not(number.between(c.min(), c.max()))));
      }
    }
    return rules;
  }

  /** Why a present value did not type: the first of its column's value rules that it fails. */
  private static Column whyUntyped(ColumnModel c, Column value) {
    if (c.type().equals(DataTypes.StringType)) {
      return lit("unparseable " + kind(c));
    }
    List<ValueRule> rules = valueRules(c, value);
    Column reason = lit(rules.get(rules.size() - 1).reason());
    for (int i = rules.size() - 2; i >= 0; i--) {
      reason = when(rules.get(i).fails(), lit(rules.get(i).reason())).otherwise(reason);
    }
    return reason;
  }

  /** The decimals of a plain decimal string up to its last non-zero digit ("" for 12, 12.0 and 12.50 -> "5"). */
  private static Column significantDecimals(Column v) {
    return regexp_extract(v, "\\.([0-9]*[1-9])0*$", 1);
  }

  /**
   * Rows that can be typed, exact duplicates folded: one row per distinct typed row, with its copy count and
   * the number of versions its key has ({@link #KEY_ROWS}). A version that could not be typed counts too (and
   * sets {@link #UNTYPED_VERSION}): a key with one good and one untypable row is a conflict, not a silent pick.
   * The rows are shuffled once, by primary key, for both the folding and the versions of a key; their raw text is
   * left behind ({@link #rejected} finds it for the few rows that need it).
   */
  public static Dataset<Row> foldDuplicates(Dataset<Row> classified, TableModel model) {
    Column[] columns = model.columnNames().stream().map(n -> col(n)).toArray(Column[]::new);
    Dataset<Row> typed = classified.filter(col(REASON).isNull()).select(columns);
    if (model.primaryKey().isEmpty()) {
      return typed.groupBy(columns).agg(count(lit(1)).alias(COPIES))
          .withColumn(KEY_ROWS, lit(1L)).withColumn(UNTYPED_VERSION, lit(false));
    }
    Column[] pk = model.primaryKey().stream().map(n -> col(n)).toArray(Column[]::new);
    Column keyTyped = model.primaryKey().stream().map(n -> col(n).isNotNull()).reduce(Column::and).orElseThrow();
    // the untypable versions join the typed ones as marks, grouped and counted in the same partitions
    Dataset<Row> untypedMarks = classified.filter(col(REASON).isNotNull().and(keyTyped)).select(pk)
        .withColumn(UNTYPED_MARK, lit(true));
    List<Column> grouping = new ArrayList<>(Arrays.asList(columns));
    grouping.add(col(UNTYPED_MARK));
    WindowSpec byKey = Window.partitionBy(pk);
    return typed.withColumn(UNTYPED_MARK, lit(false))
        .unionByName(untypedMarks, true)
        .repartition(pk)
        .groupBy(grouping.toArray(Column[]::new))
        .agg(count(lit(1)).alias(COPIES))
        .withColumn(UNTYPED_VERSION, max(col(UNTYPED_MARK)).over(byKey))
        .withColumn(KEY_ROWS, count(when(not(col(UNTYPED_MARK)), 1)).over(byKey)
            .plus(when(col(UNTYPED_VERSION), 1L).otherwise(0L)))
        .filter(not(col(UNTYPED_MARK)))
        .drop(UNTYPED_MARK);
  }

  /** The staged table: distinct rows whose key no other distinct row shares, in catalog order. */
  public static Dataset<Row> staged(Dataset<Row> folded, TableModel model) {
    return folded.filter(col(KEY_ROWS).equalTo(1))
        .select(model.columnNames().stream().map(n -> col(n)).toArray(Column[]::new));
  }

  /** Rows rejected by typing, as (reason, raw, file): all that {@link #rejected} finds when no key conflicts. */
  public static Dataset<Row> untyped(Dataset<Row> classified) {
    return classified.filter(col(REASON).isNotNull()).select(col(REASON), col(RAW), col(FILE));
  }

  /**
   * Rows rejected by typing plus every version of a conflicting key, as (reason, raw, file): a version's raw text
   * is that of one of its copies, found among the classified rows of the conflicting keys.
   */
  public static Dataset<Row> rejected(Dataset<Row> classified, Dataset<Row> folded, TableModel model) {
    Dataset<Row> untyped = untyped(classified);
    if (model.primaryKey().isEmpty()) {
      return untyped;
    }
    List<Column> keyParts = new ArrayList<>();
    for (String key : model.primaryKey()) {
      keyParts.add(concat(lit(key + "="), col(key).cast(DataTypes.StringType)));
    }
    Column key = concat_ws(", ", keyParts.toArray(Column[]::new));
    Column reason = when(col(UNTYPED_VERSION), concat(lit("conflicting versions of primary key ("), key,
        lit("): another version of the key could not be typed")))
        .otherwise(concat(lit("conflicting duplicate for primary key ("), key,
            lit("): rows share the key but differ")));
    Column[] keyAndMark = Stream.concat(model.primaryKey().stream(), Stream.of(UNTYPED_VERSION)).map(n -> col(n))
        .toArray(Column[]::new);
    Dataset<Row> conflictKeys = folded.filter(col(KEY_ROWS).gt(1)).select(keyAndMark).distinct();
    Column[] versions = Stream.concat(model.columnNames().stream().map(n -> col(n)), Stream.of(col(UNTYPED_VERSION)))
        .toArray(Column[]::new);
    Dataset<Row> conflicts = classified.filter(col(REASON).isNull())
        .join(conflictKeys, Keys.of(model.primaryKey().toArray(String[]::new)))
        .groupBy(versions)
        .agg(first(col(RAW)).alias(RAW), first(col(FILE)).alias(FILE))
        .select(reason.alias(REASON), col(RAW), col(FILE));
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
