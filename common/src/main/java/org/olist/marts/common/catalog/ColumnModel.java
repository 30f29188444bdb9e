package org.olist.marts.common.catalog;

import com.typesafe.config.Config;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.olist.marts.common.OlistException;

/** One column of a catalog table: its contract (name, type, nullability) and, for staging, its source. */
public record ColumnModel(String name, DataType type, boolean nullable, String description,
                          String sourceColumn, String normalize) {

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
    return new ColumnModel(name, type,
        !c.hasPath("nullable") || c.getBoolean("nullable"),
        c.hasPath("description") ? c.getString("description") : "",
        c.hasPath("source") ? c.getString("source") : name,
        c.hasPath("normalize") ? c.getString("normalize") : "trim");
  }

  public StructField toField() {
    return new StructField(name, type, nullable, org.apache.spark.sql.types.Metadata.empty());
  }

  /** The type as the catalog writes it, e.g. {@code decimal(12,2)}. */
  public String typeName() {
    return type.simpleString();
  }
}
