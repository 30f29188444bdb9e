package org.olist.marts.jobs.staging;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.olist.marts.common.catalog.ColumnModel;
import org.olist.marts.common.catalog.SourceModel;
import org.olist.marts.common.catalog.TableModel;

/**
 * Reads a raw Olist CSV as strings, columns matched by header name (so column order in the file does not
 * matter and extra columns are ignored), keeping rows that do not split into the header's columns in
 * {@link StagingTransforms#CORRUPT}.
 */
public final class RawSourceReader {
  private RawSourceReader() {
  }

  public static Dataset<Row> read(SparkSession spark, SourceFile file, SourceModel source, TableModel model) {
    List<String> header = file.header();
    StructType schema = new StructType();
    for (String name : header) {
      schema = schema.add(name, DataTypes.StringType, true);
    }
    schema = schema.add(StagingTransforms.CORRUPT, DataTypes.StringType, true);
    Dataset<Row> df = spark.read().format("csv")
        .schema(schema)
        .option("header", "true")
        .option("enforceSchema", "true")
        .option("multiLine", Boolean.toString(source.multiline()))
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", StagingTransforms.CORRUPT)
        .option("quote", "\"")
        .option("escape", "\"")
        .option("encoding", "UTF-8")
        .load(file.path());
    List<Column> cols = new ArrayList<>();
    for (ColumnModel c : model.columns()) {
      cols.add(col("`" + c.sourceColumn() + "`").alias(c.name()));
    }
    cols.add(col(StagingTransforms.CORRUPT));
    cols.add(col("_metadata.file_path").alias(StagingTransforms.FILE));
    return df.select(cols.toArray(Column[]::new));
  }
}
