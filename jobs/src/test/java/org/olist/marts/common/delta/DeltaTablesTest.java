package org.olist.marts.common.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.jobs.testing.Frames;
import org.olist.marts.jobs.testing.TestSpark;

class DeltaTablesTest {
  private static final String DDL = "id int, month string";

  private static List<String> partitionColumns(SparkSession spark, String path) {
    return DeltaTable.forPath(spark, path).detail().first().getList(
        DeltaTable.forPath(spark, path).detail().schema().fieldIndex("partitionColumns"));
  }

  @Test
  void aTableWhosePartitioningTheCatalogChangedIsRecreated(@TempDir Path dir) {
    SparkSession spark = TestSpark.spark();
    String path = dir.resolve("t").toString();
    StructType schema = StructType.fromDDL("id int not null, month string not null");
    Dataset<Row> rows = Frames.of(DDL, new Object[] {1, "2018-01"}, new Object[] {2, "2018-02"});
    DeltaTables.overwrite(rows, path, schema, List.of());
    assertEquals(List.of(), partitionColumns(spark, path));

    DeltaTables.overwrite(rows.filter("id = 2"), path, schema, List.of("month"));
    assertEquals(List.of("month"), partitionColumns(spark, path));
    assertEquals(List.of(2), DeltaTables.read(spark, path).select("id").as(org.apache.spark.sql.Encoders.INT())
        .collectAsList());
    assertFalse(DeltaTables.read(spark, path).schema().apply("id").nullable(), "NOT NULL kept from the catalog");
  }
}
