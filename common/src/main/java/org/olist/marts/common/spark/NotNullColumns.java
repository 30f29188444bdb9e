package org.olist.marts.common.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.Collection;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.olist.marts.common.OlistException;

/**
 * Marks columns NOT NULL in a frame's schema where Spark cannot infer it (after a join or a filter), with a
 * runtime assertion: a null fails the query with a message naming the column instead of being hidden.
 */
public final class NotNullColumns {
  private NotNullColumns() {
  }

  public static Dataset<Row> enforce(Dataset<Row> df, String table, Collection<String> columns) {
    Column[] out = Arrays.stream(df.schema().fields())
        .map(f -> columns.contains(f.name()) && f.nullable() ? assertNotNull(f, table).alias(f.name()) : col(f.name()))
        .toArray(Column[]::new);
    return df.select(out);
  }

  static Column assertNotNull(StructField f, String table) {
    Column c = col(f.name());
    Column checked = when(c.isNull(),
        raise_error(lit("Cannot write " + table + ": column " + f.name() + " is NOT NULL in its contract but "
            + "holds a null"))).otherwise(c);
    return coalesce(checked, neverUsed(f.dataType()));
  }

  /** A non-null literal of the type, only there so that Spark knows the result cannot be null. */
  private static Column neverUsed(DataType type) {
    if (type.equals(DataTypes.StringType)) {
      return lit("");
    } else if (type.equals(DataTypes.IntegerType)) {
      return lit(0);
    } else if (type.equals(DataTypes.LongType)) {
      return lit(0L);
    } else if (type.equals(DataTypes.BooleanType)) {
      return lit(false);
    } else if (type.equals(DataTypes.DoubleType)) {
      return lit(0.0d);
    } else if (type.equals(DataTypes.DateType)) {
      return lit(Date.valueOf("1970-01-01"));
    } else if (type.equals(DataTypes.TimestampType)) {
      return lit(new Timestamp(0L));
    } else if (type instanceof DecimalType d) {
      return lit(BigDecimal.ZERO.setScale(d.scale())).cast(d);
    }
    throw new OlistException("Cannot enforce NOT NULL on a column of type " + type.simpleString());
  }
}
