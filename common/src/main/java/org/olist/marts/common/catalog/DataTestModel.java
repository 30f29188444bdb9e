package org.olist.marts.common.catalog;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;

/**
 * A data test the catalog declares: generic ones on a table's column ({@code unique}, {@code not_null},
 * {@code relationships}, {@code accepted_values}), singular ones by name. The test job runs them.
 */
public record DataTestModel(String name, String table, DataTestType type, String column, Severity severity,
                            String description, List<String> requires, Config args) {
  /** The parent table of a {@code relationships} test. */
  public static final String TO = "to";
  /** The other table a cross-table check (reconciliation, NATIONAL reach) compares against. */
  public static final String AGAINST = "against";

  static DataTestModel generic(String table, Config c) {
    String word = c.getString("type");
    String column = c.hasPath("column") ? c.getString("column") : null;
    String name = table + "__" + word + (column == null ? "" : "__" + column);
    DataTestType type = DataTestType.of(word, name);
    String description = switch (type) {
      case UNIQUE -> column + " is unique";
      case NOT_NULL -> column + " is never null";
      case RELATIONSHIPS -> column + " resolves to " + c.getString(TO) + "." + c.getString("field");
      case ACCEPTED_VALUES -> column + " is one of " + c.getStringList("values");
      default -> word;
    };
    return new DataTestModel(name, table, type, column, severity(c, name), description, requires(c), c);
  }

  static DataTestModel singular(String name, Config c) {
    return new DataTestModel(name, c.getString("table"), DataTestType.of(c.getString("type"), name),
        c.hasPath("column") ? c.getString("column") : null, severity(c, name), c.getString("description"),
        requires(c), c);
  }

  private static Severity severity(Config c, String name) {
    return c.hasPath("severity") ? Severity.of(c.getString("severity"), name) : Severity.ERROR;
  }

  private static List<String> requires(Config c) {
    return c.hasPath("requires") ? c.getStringList("requires") : List.of();
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /**
   * Every table the test reads: its own, those it {@code requires}, the parent of a relationship and the table
   * it is checked {@code against}. The test is skipped while any of them is not built.
   */
  public List<String> reads() {
    List<String> all = new ArrayList<>(List.of(table));
    all.addAll(requires);
    if (type == DataTestType.RELATIONSHIPS) {
      all.add(args.getString(TO));
    }
    if (args.hasPath(AGAINST)) {
      all.add(args.getString(AGAINST));
    }
    return all.stream().distinct().toList();
  }

  public String string(String key) {
    return args.getString(key);
  }

  public List<String> stringList(String key) {
    return args.getStringList(key);
  }

  public String where() {
    return args.hasPath("where") ? args.getString("where") : null;
  }
}
