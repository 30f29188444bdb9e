package org.olist.marts.jobs.marts;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.olist.marts.common.catalog.TableModel;

/** The one "unknown" row (key -1) a dimension holds so that every fact foreign key resolves. */
public final class UnknownMember {
  public static final String LABEL = "unknown";

  private UnknownMember() {
  }

  /** A one-row frame in the dimension's catalog schema: the given values, null elsewhere. */
  public static Dataset<Row> of(SparkSession spark, TableModel dimension, Map<String, Object> values) {
    Object[] row = dimension.columns().stream().map(c -> values.get(c.name())).toArray();
    return spark.createDataFrame(List.of(RowFactory.create(row)), dimension.schema());
  }
}
