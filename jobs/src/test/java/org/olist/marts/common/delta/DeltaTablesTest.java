package org.olist.marts.common.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.OlistException;
import org.olist.marts.jobs.testing.Frames;
import org.olist.marts.jobs.testing.TestSpark;

class DeltaTablesTest {
  private static final String DDL = "id int, month string";

  private static List<String> partitionColumns(SparkSession spark, String path) {
    return DeltaTable.forPath(spark, path).detail().first().getList(
        DeltaTable.forPath(spark, path).detail().schema().fieldIndex("partitionColumns"));
  }

  /** A MERGE that inserts the rows whose {@code id} the table lacks. */
  private static MergeSpec insertNew(Dataset<Row> rows) {
    return new MergeSpec(rows, "t.id = s.id", b -> b.whenNotMatched().insertAll(), Optional.empty(), false);
  }

  @Test
  void aTableWhosePartitioningTheCatalogChangedIsRepartitionedInOneCommit(@TempDir Path dir) {
    SparkSession spark = TestSpark.spark();
    String path = dir.resolve("t").toString();
    StructType schema = StructType.fromDDL("id int not null, month string not null");
    Dataset<Row> rows = Frames.of(DDL, new Object[] {1, "2018-01"}, new Object[] {2, "2018-02"});
    DeltaTables.overwrite(rows, path, schema, List.of());
    assertEquals(List.of(), partitionColumns(spark, path));

    assertFalse(DeltaTables.read(spark, path).schema().apply("id").nullable(), "NOT NULL from the catalog");
    long before = DeltaTables.version(spark, path);

    assertEquals(before + 1, DeltaTables.overwrite(rows.filter("id = 2"), path, schema, List.of("month")).version());
    assertEquals(List.of("month"), partitionColumns(spark, path));
    assertEquals(List.of(2), DeltaTables.read(spark, path).select("id").as(org.apache.spark.sql.Encoders.INT())
        .collectAsList());
    assertEquals(List.of(), DeltaTables.differences(spark, path, schema, List.of("month")));
    assertEquals(before + 2, DeltaTables.overwrite(rows, path, schema, List.of("month")).version(),
        "the next write is a plain overwrite");
  }

  @Test
  void eachWriteReportsItsOwnCommitAsTheHistoryRecordsIt(@TempDir Path dir) {
    // the commit is read from the log file, not from history(1): both must agree, for every kind of write
    SparkSession spark = TestSpark.spark();
    String path = dir.resolve("t").toString();
    assertEquals(OptionalLong.empty(), DeltaTables.newestVersion(spark, path), "no table, no commit");
    Dataset<Row> rows = Frames.of(DDL, new Object[] {1, "2018-01"}, new Object[] {2, "2018-02"});
    List<DeltaTables.Commit> commits = List.of(
        DeltaTables.overwrite(rows, path, CATALOG, List.of("month")),
        DeltaTables.append(rows.filter("id = 1"), path, CATALOG, List.of("month")),
        DeltaTables.merge(spark, path, CATALOG, List.of("month"),
            insertNew(Frames.of(DDL, new Object[] {3, "2018-03"}))),
        DeltaTables.empty(spark, path, CATALOG, List.of("month"), Map.of()));
    assertEquals(List.of(2L, 1L, 1L, 0L), commits.stream().map(c -> c.metric(c.metrics().containsKey(
        DeltaMetric.NUM_TARGET_ROWS_INSERTED.key()) ? DeltaMetric.NUM_TARGET_ROWS_INSERTED
        : DeltaMetric.NUM_OUTPUT_ROWS)).toList());
    for (DeltaTables.Commit c : commits) {
      Row h = DeltaTable.forPath(spark, path).history().filter("version = " + c.version())
          .select("operationMetrics").first();
      assertEquals(h.getJavaMap(0), c.metrics(), "version " + c.version());
    }
    assertEquals(commits.get(3).version(), DeltaTables.version(spark, path));
    assertEquals(OptionalLong.of(commits.get(3).version()), DeltaTables.newestVersion(spark, path));
    assertEquals(List.of(1L, 2L, 3L, 4L), commits.stream().map(DeltaTables.Commit::version).toList(),
        "the create is commit 0, then one commit per write");
  }

  /** Row counts of every version from {@code from} to the latest: none may be empty. */
  private static List<Long> rowsPerVersion(SparkSession spark, String path, long from) {
    List<Long> out = new ArrayList<>();
    for (long v = from; v <= DeltaTables.version(spark, path); v++) {
      out.add(DeltaTables.read(spark, path, v).count());
    }
    return out;
  }

  private static final StructType CATALOG = StructType.fromDDL("id int not null, month string not null");

  /** Two rows by month, then a column the catalog does not know added by hand. */
  private static String tableWithAColumnAddedByHand(Path dir) {
    String path = dir.resolve("t").toString();
    DeltaTables.overwrite(Frames.of(DDL, new Object[] {1, "2018-01"}, new Object[] {2, "2018-02"}), path, CATALOG,
        List.of("month"));
    TestSpark.spark().sql("ALTER TABLE delta.`" + path + "` ADD COLUMNS (legacy_note string)");
    return path;
  }

  @Test
  void aSchemaDifferenceReplacesSchemaAndRowsWithoutAnEmptyVersion(@TempDir Path dir) {
    SparkSession spark = TestSpark.spark();
    String path = tableWithAColumnAddedByHand(dir);
    long before = DeltaTables.version(spark, path);

    DeltaTables.Commit commit = DeltaTables.overwrite(Frames.of(DDL, new Object[] {3, "2018-03"}), path, CATALOG,
        List.of("month"));
    assertEquals(before + 1, commit.version(), "schema and rows in one commit");
    assertEquals(List.of(2L, 1L), rowsPerVersion(spark, path, before).subList(0, 2));
    assertTrue(rowsPerVersion(spark, path, before).stream().allMatch(n -> n > 0), "no version is empty");
    assertEquals(List.of(), DeltaTables.differences(spark, path, CATALOG, List.of("month")));
    assertEquals(List.of(3), DeltaTables.read(spark, path).select("id").as(org.apache.spark.sql.Encoders.INT())
        .collectAsList());
  }

  @Test
  void aPartialOverwriteOfADifferingTableIsRefusedAndWritesNothing(@TempDir Path dir) {
    // SPEC §10, issue 17 #1: an extra column plus a backfill used to recreate the table empty, then fill the window
    SparkSession spark = TestSpark.spark();
    String path = tableWithAColumnAddedByHand(dir);
    long before = DeltaTables.version(spark, path);

    OlistException e = assertThrows(OlistException.class, () -> DeltaTables.overwrite(
        Frames.of(DDL, new Object[] {3, "2018-02"}), path, CATALOG, List.of("month"),
        Map.of(DeltaTables.REPLACE_WHERE, "month = '2018-02'")));
    assertTrue(e.getMessage().contains("--full-refresh"), e.getMessage());
    assertTrue(e.getMessage().contains("legacy_note"), e.getMessage());
    assertEquals(before, DeltaTables.version(spark, path));
    assertEquals(2, DeltaTables.read(spark, path).count());
  }

  @Test
  void aMergeIntoADifferingTableIsRefusedAndWritesNothing(@TempDir Path dir) {
    // SPEC §10: an incremental table is never recreated implicitly, nor merged into past its contract
    SparkSession spark = TestSpark.spark();
    String path = tableWithAColumnAddedByHand(dir);
    long before = DeltaTables.version(spark, path);

    OlistException e = assertThrows(OlistException.class, () -> DeltaTables.merge(spark, path, CATALOG,
        List.of("month"), insertNew(Frames.of(DDL, new Object[] {3, "2018-02"}))));
    assertTrue(e.getMessage().startsWith("Cannot merge into " + path + ": the table differs from the catalog"),
        e.getMessage());
    assertTrue(e.getMessage().contains("--full-refresh"), e.getMessage());
    assertTrue(e.getMessage().contains("legacy_note"), e.getMessage());
    assertEquals(before, DeltaTables.version(spark, path));
  }
}
