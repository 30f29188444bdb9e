package org.olist.marts.common.catalog;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.olist.marts.common.OlistException;

/** One table of the catalog: where it lives, its grain, its contract columns, tests and lineage. */
public record TableModel(String name, Layer layer, String description, String grain, Optional<String> source,
                         List<String> primaryKey, List<String> partitionBy, List<String> dependsOn,
                         List<ColumnModel> columns, List<DataTestModel> tests) {

  static TableModel from(String name, Config c) {
    List<ColumnModel> columns = c.getConfigList("columns").stream()
        .map(col -> ColumnModel.from(name, col)).collect(Collectors.toList());
    List<DataTestModel> tests = c.hasPath("tests")
        ? c.getConfigList("tests").stream().map(t -> DataTestModel.generic(name, t)).collect(Collectors.toList())
        : List.of();
    TableModel table = new TableModel(name, Layer.of(c.getString("layer"), "catalog table " + name), c.getString("description"),
        c.getString("grain"),
        c.hasPath("source") ? Optional.of(c.getString("source")) : Optional.empty(),
        c.hasPath("primary-key") ? c.getStringList("primary-key") : List.of(),
        c.hasPath("partition-by") ? c.getStringList("partition-by") : List.of(),
        c.hasPath("depends-on") ? c.getStringList("depends-on") : List.of(),
        columns, tests);
    for (String key : table.primaryKey) {
      table.column(key);
    }
    for (String key : table.partitionBy) {
      table.column(key);
    }
    return table;
  }

  public StructType schema() {
    return new StructType(columns.stream().map(ColumnModel::toField).toArray(StructField[]::new));
  }

  public List<String> columnNames() {
    return columns.stream().map(ColumnModel::name).collect(Collectors.toList());
  }

  public ColumnModel column(String columnName) {
    return columns.stream().filter(c -> c.name().equals(columnName)).findFirst()
        .orElseThrow(() -> new OlistException("Cannot find column " + columnName + " in catalog table " + name));
  }

  /** Path relative to the warehouse root: {@code <layer>/<table>}. */
  public String relativePath() {
    return layer.dir() + "/" + name;
  }
}
