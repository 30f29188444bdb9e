package org.olist.marts.jobs.verify;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Row-for-row comparison of two versions of one table (same input, different runs or places): run stamps are
 * left out, everything else must match as a multiset, so a lost, duplicated or altered row is a difference.
 */
public final class TableDiff {
  private TableDiff() {
  }

  private static final String IN_ACTUAL = "_in_actual";
  private static final String IN_EXPECTED = "_in_expected";

  /**
   * A readable difference, or empty when the tables are equal. Both tables are counted per distinct row in one
   * aggregation (one shuffle, one Spark job): a row held more often by the expected table is missing, more often by
   * the actual one unexpected.
   */
  public static Optional<String> difference(Dataset<Row> actual, Dataset<Row> expected, Collection<String> ignored) {
    Dataset<Row> a = actual.drop(ignored.toArray(String[]::new));
    Dataset<Row> e = expected.drop(ignored.toArray(String[]::new));
    if (!a.schema().equals(e.schema())) {
      return Optional.of("schemas differ: " + a.schema().simpleString() + " vs expected " + e.schema().simpleString());
    }
    Column[] columns = Arrays.stream(a.columns()).map(functions::col).toArray(Column[]::new);
    Dataset<Row> perRow = a.select(columns).withColumn(IN_ACTUAL, lit(1L)).withColumn(IN_EXPECTED, lit(0L))
        .union(e.select(columns).withColumn(IN_ACTUAL, lit(0L)).withColumn(IN_EXPECTED, lit(1L)))
        .groupBy(columns).agg(sum(IN_ACTUAL).as(IN_ACTUAL), sum(IN_EXPECTED).as(IN_EXPECTED));
    Row counts = perRow.agg(
        coalesce(sum(greatest(col(IN_EXPECTED).minus(col(IN_ACTUAL)), lit(0L))), lit(0L)),
        coalesce(sum(greatest(col(IN_ACTUAL).minus(col(IN_EXPECTED)), lit(0L))), lit(0L)),
        coalesce(sum(IN_ACTUAL), lit(0L)), coalesce(sum(IN_EXPECTED), lit(0L))).first();
    long missing = counts.getLong(0);
    long extra = counts.getLong(1);
    if (missing == 0 && extra == 0) {
      return Optional.empty();
    }
    return Optional.of(missing + " expected rows missing, " + extra + " unexpected rows (of " + counts.getLong(2)
        + " rows; expected " + counts.getLong(3) + ")");
  }
}
