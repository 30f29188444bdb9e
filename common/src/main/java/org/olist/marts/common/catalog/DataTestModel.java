package org.olist.marts.common.catalog;

import com.typesafe.config.Config;
import java.util.List;

/**
 * A data test the catalog declares: generic ones on a table's column ({@code unique}, {@code not_null},
 * {@code relationships}, {@code accepted_values}), singular ones by name. The test job runs them.
 */
public record DataTestModel(String name, String table, String type, String column, String severity,
                            String description, List<String> requires, Config args) {
  public static final String ERROR = "error";
  public static final String WARN = "warn";

  static DataTestModel generic(String table, Config c) {
    String type = c.getString("type");
    String column = c.hasPath("column") ? c.getString("column") : null;
    String name = table + "__" + type + (column == null ? "" : "__" + column);
    String description = switch (type) {
      case "unique" -> column + " is unique";
      case "not_null" -> column + " is never null";
      case "relationships" -> column + " resolves to " + c.getString("to") + "." + c.getString("field");
      case "accepted_values" -> column + " is one of " + c.getStringList("values");
      default -> type;
    };
    return new DataTestModel(name, table, type, column, severity(c), description, requires(c), c);
  }

  static DataTestModel singular(String name, Config c) {
    return new DataTestModel(name, c.getString("table"), c.getString("type"),
        c.hasPath("column") ? c.getString("column") : null, severity(c), c.getString("description"), requires(c), c);
  }

  private static String severity(Config c) {
    return c.hasPath("severity") ? c.getString("severity") : ERROR;
  }

  private static List<String> requires(Config c) {
    return c.hasPath("requires") ? c.getStringList("requires") : List.of();
  }

  public boolean isError() {
    return ERROR.equals(severity);
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
