package org.olist.marts.jobs.testing;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.olist.marts.common.catalog.ModelCatalog;

/** Tiny hand-built frames for transform tests. */
public final class Frames {
  private Frames() {
  }

  public static Dataset<Row> of(String ddl, Object[]... rows) {
    return of(StructType.fromDDL(ddl), rows);
  }

  public static Dataset<Row> of(StructType schema, Object[]... rows) {
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) {
      out.add(RowFactory.create(r));
    }
    return TestSpark.spark().createDataFrame(out, schema);
  }

  /** A frame in the schema of a catalog table. */
  public static Dataset<Row> table(String name, Object[]... rows) {
    return of(ModelCatalog.get().table(name).schema(), rows);
  }

  public static Timestamp ts(String value) {
    return value == null ? null : Timestamp.valueOf(value);
  }

  public static Date date(String value) {
    return Date.valueOf(value);
  }

  public static BigDecimal money(String value) {
    return new BigDecimal(value);
  }
}
