package org.olist.marts.common.contract;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.olist.marts.common.catalog.ColumnModel;
import org.olist.marts.common.catalog.TableModel;

/**
 * Compares a DataFrame's schema with the catalog contract (names, order, types, nullability) and explains
 * every difference, one line per column, so that a drift is read in seconds. A column the frame declares
 * NOT NULL may feed a nullable contract column; the reverse is a drift.
 */
public final class ContractCheck {
  private ContractCheck() {
  }

  /** Lines describing each mismatch; empty when the schema honours the contract. */
  public static List<String> differences(TableModel table, StructType actual) {
    return differences(table, actual, true);
  }

  /** As {@link #differences(TableModel, StructType)}, optionally leaving nullability aside. */
  public static List<String> differences(TableModel table, StructType actual, boolean nullability) {
    List<ColumnModel> expected = table.columns();
    StructField[] fields = actual.fields();
    List<String> diffs = new ArrayList<>();
    int n = Math.max(expected.size(), fields.length);
    for (int i = 0; i < n; i++) {
      ColumnModel e = i < expected.size() ? expected.get(i) : null;
      StructField a = i < fields.length ? fields[i] : null;
      String problem = problem(e, a, actual, nullability);
      if (problem != null) {
        diffs.add(String.format("  #%-3d expected %-45s actual %-45s %s", i + 1,
            e == null ? "(no column)" : describe(e.name(), e.typeName(), e.nullable()),
            a == null ? "(no column)" : describe(a.name(), a.dataType().simpleString(), a.nullable()), problem));
      }
    }
    return diffs;
  }

  private static String problem(ColumnModel e, StructField a, StructType actual, boolean nullability) {
    if (e == null) {
      return "<- extra column";
    }
    if (a == null) {
      return "<- missing column";
    }
    if (!e.name().equals(a.name())) {
      boolean elsewhere = List.of(actual.fieldNames()).contains(e.name());
      return elsewhere ? "<- wrong order" : "<- wrong name";
    }
    if (!e.typeName().equals(a.dataType().simpleString())) {
      return "<- wrong type";
    }
    if (nullability && !e.nullable() && a.nullable()) {
      return "<- nullable, contract says NOT NULL";
    }
    return null;
  }

  private static String describe(String name, String type, boolean nullable) {
    return name + " " + type + (nullable ? "" : " NOT NULL");
  }

  /** Throws with a readable diff when {@code actual} breaks the contract of {@code table}. */
  public static void enforce(TableModel table, StructType actual) {
    enforce(table, actual, true);
  }

  public static void enforce(TableModel table, StructType actual, boolean nullability) {
    List<String> diffs = differences(table, actual, nullability);
    if (!diffs.isEmpty()) {
      throw new ContractViolationException("Cannot write " + table.relativePath()
          + ": its schema breaks the contract in the model catalog (" + diffs.size() + " difference"
          + (diffs.size() == 1 ? "" : "s") + "); nothing was published\n" + String.join("\n", diffs));
    }
  }
}
