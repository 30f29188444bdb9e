package org.olist.marts.common.catalog;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import java.util.List;

/** A data test the catalog declares on a table; the test job runs it. */
public record DataTestModel(String table, String type, String column, String severity, Config args) {
  static DataTestModel from(String table, Config c) {
    return new DataTestModel(table, c.getString("type"), c.hasPath("column") ? c.getString("column") : null,
        c.hasPath("severity") ? c.getString("severity") : "error", c);
  }

  public String name() {
    return column == null ? table + "__" + type : table + "__" + type + "__" + column;
  }

  public List<String> stringList(String key) {
    return args.getStringList(key);
  }

  public String describe() {
    return args.root().render(ConfigRenderOptions.concise());
  }
}
