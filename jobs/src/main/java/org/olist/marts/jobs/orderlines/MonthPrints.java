package org.olist.marts.jobs.orderlines;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.olist.marts.common.delta.ChangeFeed;
import org.olist.marts.common.delta.KeptPrints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fingerprint of each month of order lines (the intermediate lines and the fact alike): its row count and the
 * sum of a 64-bit hash of (order_id, order_item_id, row_hash), summed as two 32-bit halves so that no sum can
 * overflow. Two months with the same print hold the same (key, row_hash) pairs up to a 64-bit hash collision
 * (the odds {@code row_hash} itself already accepts), so an incremental load compares key by key only the months
 * whose prints differ.
 *
 * <p>The writer of a table version keeps its prints beside it ({@link KeptPrints}), so the next load reads two small
 * files instead of scanning both tables; one that is missing, unreadable or for another version only means the
 * prints are computed by a scan.
 */
public final class MonthPrints {
  private static final String ROWS = "_rows";
  private static final String LOW = "_hash_low";
  private static final String HIGH = "_hash_high";
  private static final Logger LOG = LoggerFactory.getLogger(MonthPrints.class);

  /** One month's print; sums of prints are prints of the union (and differences, of what is taken away). */
  public record Print(long rows, long low, long high) {
    static final Print NONE = new Print(0, 0, 0);

    Print plus(Print o) {
      return new Print(rows + o.rows, low + o.low, high + o.high);
    }
  }

  private final SortedMap<String, Print> months;

  private MonthPrints(Map<String, Print> months) {
    this.months = new TreeMap<>();
    months.forEach((m, p) -> {
      if (p.rows() != 0 || p.low() != 0 || p.high() != 0) {
        this.months.put(m, p);
      }
    });
  }

  /** The hash a line adds to its month, from the line's key and {@code row_hash} columns. */
  public static Column lineHash(Column rowHash) {
    return xxhash64(col(Columns.ORDER_ID), col(Columns.ORDER_ITEM_ID), rowHash);
  }

  /**
   * The print parts of each row, signed: {@code sign} 1 adds the row to {@code month}, -1 takes it away. Summed by
   * month ({@link #sumByMonth}) they are the prints of a table, or the change a write makes to them.
   */
  public static Dataset<Row> parts(Dataset<Row> rows, Column month, Column rowHash, long sign) {
    Column h = lineHash(rowHash);
    return rows.select(month.as(Columns.ORDER_YEAR_MONTH), lit(sign).as(ROWS), low(h).multiply(sign).as(LOW),
        high(h).multiply(sign).as(HIGH));
  }

  /** The lower 32 bits of a hash: summed apart from {@link #high}, no sum of a table's rows can overflow. */
  private static Column low(Column hash) {
    return hash.bitwiseAND(lit(0xFFFFFFFFL));
  }

  private static Column high(Column hash) {
    return shiftrightunsigned(hash, 32);
  }

  /** Adds up {@link #parts} by month (a single small aggregation). */
  public static MonthPrints sumByMonth(Dataset<Row> parts) {
    return fromAggregates(parts.groupBy(col(Columns.ORDER_YEAR_MONTH))
        .agg(sum(col(ROWS)).as(ROWS), sum(col(LOW)).as(LOW), sum(col(HIGH)).as(HIGH)).collectAsList());
  }

  /**
   * The change a table version makes to its prints, from its change feed ({@link ChangeFeed}): inserted rows and
   * post-images added, deleted rows and pre-images taken away.
   */
  public static MonthPrints changeOf(Dataset<Row> feed) {
    Column added = col(ChangeFeed.CHANGE_TYPE).isin(ChangeFeed.INSERT, ChangeFeed.UPDATE_POSTIMAGE);
    Column month = col(Columns.ORDER_YEAR_MONTH);
    Column rowHash = col(Columns.ROW_HASH);
    return sumByMonth(parts(feed.filter(added), month, rowHash, 1)
        .union(parts(feed.filter(not(added)), month, rowHash, -1)));
  }

  /**
   * The aggregates that make the prints of order lines grouped by month (key, {@code row_hash} and month
   * columns); a caller may compute more in the same pass, and read the prints back with {@link #fromAggregates}.
   */
  public static Column[] aggregates() {
    Column h = lineHash(col(Columns.ROW_HASH));
    return new Column[] {count(lit(1)).as(ROWS), sum(low(h)).as(LOW), sum(high(h)).as(HIGH)};
  }

  /** The prints in rows of {@link #aggregates} (or of {@link #sumByMonth}) by month. */
  public static MonthPrints fromAggregates(List<Row> byMonth) {
    Map<String, Print> months = new TreeMap<>();
    for (Row r : byMonth) {
      months.put(r.getAs(Columns.ORDER_YEAR_MONTH),
          new Print(r.<Long>getAs(ROWS), r.<Long>getAs(LOW), r.<Long>getAs(HIGH)));
    }
    return new MonthPrints(months);
  }

  /** The prints of order lines, by a scan. */
  public static MonthPrints scan(Dataset<Row> lines) {
    Column[] prints = aggregates();
    return fromAggregates(lines.groupBy(col(Columns.ORDER_YEAR_MONTH)).agg(prints[0], prints[1], prints[2])
        .collectAsList());
  }

  public SortedMap<String, Print> months() {
    return Collections.unmodifiableSortedMap(months);
  }

  /** These prints after a write whose change is {@code change} (from {@link #sumByMonth} of signed parts). */
  public MonthPrints plus(MonthPrints change) {
    Map<String, Print> sum = new TreeMap<>(months);
    change.months.forEach((m, p) -> sum.merge(m, p, Print::plus));
    // a month whose every line was deleted is no month, as in a scan
    sum.values().removeIf(Print.NONE::equals);
    return new MonthPrints(sum);
  }

  /** The months whose prints differ between the two (a month only one side has included), sorted. */
  public List<String> differing(MonthPrints other) {
    TreeSet<String> all = new TreeSet<>(months.keySet());
    all.addAll(other.months.keySet());
    List<String> out = new ArrayList<>();
    for (String m : all) {
      if (!months.getOrDefault(m, Print.NONE).equals(other.months.getOrDefault(m, Print.NONE))) {
        out.add(m);
      }
    }
    return out;
  }

  /** Rows in all months but {@code except}. */
  public long rowsOutside(Collection<String> except) {
    return months.entrySet().stream().filter(e -> !except.contains(e.getKey()))
        .mapToLong(e -> e.getValue().rows()).sum();
  }

  public long rows() {
    return rowsOutside(List.of());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MonthPrints other && months.equals(other.months);
  }

  @Override
  public int hashCode() {
    return months.hashCode();
  }

  @Override
  public String toString() {
    return months.toString();
  }

  /** These prints in the kept layout ({@link KeptPrints}): a month's hash is its two halves, {@code low:high}. */
  Map<String, KeptPrints.Print> toKept() {
    Map<String, KeptPrints.Print> out = new TreeMap<>();
    months.forEach((m, p) -> out.put(m, new KeptPrints.Print(p.rows(), p.low() + ":" + p.high())));
    return out;
  }

  static MonthPrints fromKept(Map<String, KeptPrints.Print> kept) {
    Map<String, Print> months = new TreeMap<>();
    kept.forEach((m, p) -> {
      String[] halves = p.hash().split(":");
      if (halves.length != 2) {
        throw new IllegalArgumentException("month " + m + " has no low:high hash");
      }
      months.put(m, new Print(p.rows(), Long.parseLong(halves[0]), Long.parseLong(halves[1])));
    });
    return new MonthPrints(months);
  }

  /** Keeps these prints, computed from what {@code version} of the table holds ({@link KeptPrints#keep}). */
  public void write(SparkSession spark, String tablePath, long version) {
    KeptPrints.keep(spark, tablePath, version, toKept());
  }

  /**
   * Keeps these prints, derived from those of {@code versionRead} and a writer's own change, as those of
   * {@code written} when it directly follows ({@link KeptPrints#keepIfNext}).
   */
  public boolean writeIfNext(SparkSession spark, String tablePath, long versionRead, long written) {
    return KeptPrints.keepIfNext(spark, tablePath, versionRead, written, toKept());
  }

  /** The prints kept for {@code version} of the table, if there are any and they can be read. */
  public static Optional<MonthPrints> read(SparkSession spark, String tablePath, long version) {
    try {
      return KeptPrints.read(spark, tablePath, version).map(MonthPrints::fromKept);
    } catch (RuntimeException e) {
      LOG.warn("Cannot read the month prints of {} version {}: {} (scanning instead)", tablePath, version,
          e.toString());
      return Optional.empty();
    }
  }
}
