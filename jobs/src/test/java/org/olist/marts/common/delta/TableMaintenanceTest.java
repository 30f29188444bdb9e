package org.olist.marts.common.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import io.delta.tables.DeltaTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.OlistException;
import org.olist.marts.jobs.testing.Frames;
import org.olist.marts.jobs.testing.TestSpark;

class TableMaintenanceTest {
  private static final String DDL = "id int, month string";
  private static final StructType SCHEMA = StructType.fromDDL("id int not null, month string not null");
  private static final List<String> BY_MONTH = List.of("month");

  private static Dataset<Row> rows(int id, String month) {
    return Frames.of(DDL, new Object[] {id, month});
  }

  private static List<String> names(List<FileStatus> files) {
    return files.stream().map(f -> f.getPath().toString()).sorted().toList();
  }

  private static Configuration conf() {
    return TestSpark.spark().sparkContext().hadoopConfiguration();
  }

  @Test
  void compactionCoversThePartitionsWrittenSinceTheLastOneAndChangesNoRow(@TempDir Path dir) {
    SparkSession spark = TestSpark.spark();
    String path = dir.resolve("t").toString();
    DeltaTables.append(rows(1, "2018-01"), path, SCHEMA, BY_MONTH);
    DeltaTables.append(rows(2, "2018-01"), path, SCHEMA, BY_MONTH);
    DeltaTables.append(rows(3, "2018-02"), path, SCHEMA, BY_MONTH);
    assertEquals(Optional.of("(CAST(`month` AS STRING) = '2018-01') OR (CAST(`month` AS STRING) = '2018-02')"),
        TableMaintenance.partitionsWrittenSinceCompaction(conf(), path));

    Dataset<Row> before = DeltaTables.read(spark, path).localCheckpoint();
    assertEquals(3, TableMaintenance.current(spark, path).files());
    Optional<DeltaTables.Commit> compaction = TableMaintenance.compact(spark, path,
        TableMaintenance.partitionsWrittenSinceCompaction(conf(), path));
    assertTrue(compaction.isPresent());
    assertEquals("2", compaction.get().metrics().get("numRemovedFiles"), "2018-01's two files; 2018-02 has one");
    assertEquals(2, TableMaintenance.current(spark, path).files());
    new JavaDataFrameSuiteBase().assertDataFrameNoOrderEquals(before, DeltaTables.read(spark, path));
    Row info = DeltaTable.forPath(spark, path).history(1).select("operation", "operationParameters").first();
    assertEquals("OPTIMIZE", info.getString(0));
    assertEquals(Optional.empty(), TableMaintenance.partitionsWrittenSinceCompaction(conf(), path),
        "nothing written since");

    DeltaTables.append(rows(4, "2018-03"), path, SCHEMA, BY_MONTH);
    assertEquals(Optional.of("(CAST(`month` AS STRING) = '2018-03')"),
        TableMaintenance.partitionsWrittenSinceCompaction(conf(), path));
    assertEquals(Optional.empty(), TableMaintenance.compact(spark, path, Optional.of("(`month` = '2018-03')")),
        "one file: nothing to compact, nothing committed");
  }

  @Test
  void vacuumRemovesOnlyFilesOutsideTheRetentionAndRefusesAShortOneUnlessAllowed(@TempDir Path dir)
      throws Exception {
    SparkSession spark = TestSpark.spark();
    String path = dir.resolve("t").toString();
    DeltaTables.append(rows(1, "2018-01"), path, SCHEMA, BY_MONTH);
    DeltaTables.append(rows(2, "2018-01"), path, SCHEMA, BY_MONTH);
    TableMaintenance.compact(spark, path, Optional.empty()).orElseThrow();
    Files.writeString(dir.resolve("t/_month_prints_like_side_file.json"), "{}");
    TableMaintenance.Files storage = TableMaintenance.onStorage(conf(), path);
    assertEquals(3, storage.files(), "two compacted-away files and the compacted one; the log is not data");
    assertEquals(names(TableMaintenance.dataFiles(conf(), path, false)),
        names(TableMaintenance.dataFiles(conf(), path, true)),
        "the local walk finds what one recursive listing (object stores) finds");

    TableMaintenance.vacuum(spark, path, TableMaintenance.SAFE_RETENTION_HOURS, false);
    assertEquals(storage, TableMaintenance.onStorage(conf(), path), "removed a minute ago: kept for 168 h");

    OlistException refused = assertThrows(OlistException.class, () -> TableMaintenance.vacuum(spark, path, 0, false));
    assertTrue(refused.getMessage().contains("below Delta's safety threshold of 168 h"), refused.getMessage());
    assertTrue(refused.getMessage().contains("olist.maintenance.allow-short-retention"), refused.getMessage());

    Dataset<Row> before = DeltaTables.read(spark, path).localCheckpoint();
    long version = DeltaTables.version(spark, path);
    TableMaintenance.vacuum(spark, path, 0, true);
    assertEquals(new TableMaintenance.Files(1, TableMaintenance.current(spark, path).bytes()),
        TableMaintenance.onStorage(conf(), path));
    new JavaDataFrameSuiteBase().assertDataFrameNoOrderEquals(before, DeltaTables.read(spark, path));
    assertTrue(Files.exists(dir.resolve("t/_month_prints_like_side_file.json")), "side files are not Delta's");
    assertEquals("true", spark.conf().get("spark.databricks.delta.retentionDurationCheck.enabled"),
        "the safety check is switched off for the call only");
    assertEquals(version, DeltaTables.version(spark, path), "a vacuum commits nothing to the table's log");
  }

  @Test
  void aLongLogGetsACheckpointAndTheWarehouseTablesAreFound(@TempDir Path dir) {
    SparkSession spark = TestSpark.spark();
    String path = dir.resolve("wh/marts/t").toString();
    for (int i = 0; i < 3; i++) {
      DeltaTables.append(rows(i, "2018-01"), path, SCHEMA, BY_MONTH);
    }
    DeltaTables.append(rows(9, "2018-01"), dir.resolve("wh/audit/test_failures/x").toString(), SCHEMA, List.of());
    assertEquals(List.of(dir.resolve("wh") + "/audit/test_failures/x", dir.resolve("wh") + "/marts/t"),
        TableMaintenance.tablesUnder(conf(), dir.resolve("wh").toString()));
    assertEquals(4, TableMaintenance.commitsSinceCheckpoint(spark, path), "create and three appends");
    TableMaintenance.checkpoint(spark, path);
    assertEquals(0, TableMaintenance.commitsSinceCheckpoint(spark, path));
    assertEquals(3, DeltaTables.read(spark, path).count());
  }
}
