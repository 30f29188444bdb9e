package org.olist.marts.jobs.verify;

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

  /** A readable difference, or empty when the tables are equal. */
  public static Optional<String> difference(Dataset<Row> actual, Dataset<Row> expected, Collection<String> ignored) {
    Dataset<Row> a = actual.drop(ignored.toArray(String[]::new));
    Dataset<Row> e = expected.drop(ignored.toArray(String[]::new));
    if (!a.schema().equals(e.schema())) {
      return Optional.of("schemas differ: " + a.schema().simpleString() + " vs expected " + e.schema().simpleString());
    }
    Column[] columns = Arrays.stream(a.columns()).map(functions::col).toArray(Column[]::new);
    long missing = e.select(columns).exceptAll(a.select(columns)).count();
    long extra = a.select(columns).exceptAll(e.select(columns)).count();
    if (missing == 0 && extra == 0) {
      return Optional.empty();
    }
    return Optional.of(missing + " expected rows missing, " + extra + " unexpected rows (of " + a.count()
        + " rows; expected " + e.count() + ")");
  }
}
