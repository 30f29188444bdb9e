package org.olist.marts.common.catalog;

import com.typesafe.config.Config;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.olist.marts.common.OlistException;

/**
 * One column of a catalog table: its contract (name, type, nullability), for staging its source and the range
 * a number must fall in ({@code range = [min, max]}, null when unbounded), and whether it is a run stamp
 * (when/which run wrote the row: differs between two runs over the same input).
 */
public record ColumnModel(String name, DataType type, boolean nullable, String description,
                          String sourceColumn, String normalize, boolean runStamp, Double min, Double max) {

  static ColumnModel from(String table, Config c) {
    String name = c.getString("name");
    String typeName = c.getString("type");
    DataType type;
    try {
      type = DataType.fromDDL(typeName);
    } catch (RuntimeException e) {
      throw new OlistException("Cannot read catalog: table " + table + " column " + name
          + " has unknown type '" + typeName + "'", e);
    }
    List<Double> range = c.hasPath("range") ? c.getDoubleList("range") : List.of();
    if (!range.isEmpty() && (range.size() != 2 || range.get(0) > range.get(1))) {
      throw new OlistException("Cannot read catalog: table " + table + " column " + name
          + " has range " + range + "; expected [min, max] with min <= max");
    }
    return new ColumnModel(name, type,
        !c.hasPath("nullable") || c.getBoolean("nullable"),
        c.hasPath("description") ? c.getString("description") : "",
        c.hasPath("source") ? c.getString("source") : name,
        c.hasPath("normalize") ? c.getString("normalize") : "trim",
        c.hasPath("run-stamp") && c.getBoolean("run-stamp"),
        range.isEmpty() ? null : range.get(0), range.isEmpty() ? null : range.get(1));
  }

  public StructField toField() {
    return new StructField(name, type, nullable, Metadata.empty());
  }

  /** The type as the catalog writes it, e.g. {@code decimal(12,2)}. */
  public String typeName() {
    return type.simpleString();
  }
}
