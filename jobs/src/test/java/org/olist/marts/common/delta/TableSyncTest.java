package org.olist.marts.common.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.audit.WriteDetail;
import org.olist.marts.jobs.testing.Frames;
import org.olist.marts.jobs.testing.TestSpark;

class TableSyncTest {
  private static final String DDL = "k int, part int, v string";
  private static final StructType SCHEMA = StructType.fromDDL("k int not null, part int not null, v string");
  private static final List<String> KEY = List.of("k", "part");

  /** Each key's change as {@code k/part -> change[:v]}. */
  private static Map<String, String> byKey(Dataset<Row> changes) {
    return changes.collectAsList().stream().collect(Collectors.toMap(r -> r.getInt(0) + "/" + r.getInt(1),
        r -> r.getString(3) + (r.isNullAt(2) ? "" : ":" + r.getString(2)), (a, b) -> a + "," + b, TreeMap::new));
  }

  /** The table's rows as {@code k/part=v}, sorted. */
  private static List<String> rows(SparkSession spark, String path) {
    return DeltaTables.read(spark, path).orderBy("k", "part").collectAsList().stream()
        .map(r -> r.getInt(0) + "/" + r.getInt(1) + "=" + r.getString(2)).toList();
  }

  @Test
  void eachKeyIsComparedOnEveryColumnNullsEqual() {
    Dataset<Row> table = Frames.of(DDL, new Object[] {1, 1, "a"}, new Object[] {2, 1, "b"},
        new Object[] {2, 2, "b"}, new Object[] {3, 1, "c"}, new Object[] {5, 1, null});
    Dataset<Row> next = Frames.of(DDL, new Object[] {1, 1, "a"}, new Object[] {2, 1, "B"},
        new Object[] {2, 2, null}, new Object[] {4, 1, "d"}, new Object[] {5, 1, null});
    assertEquals(Map.of("1/1", "same:a", "2/1", "update:B", "2/2", "update", "3/1", "delete", "4/1", "insert:d",
        "5/1", "same"), byKey(TableSync.changes(next, table, KEY)),
        "the key (2, 1) is not (2, 2); a value that became null is a change, null to null is none; a key gone "
            + "comes back once, with no values");
  }

  @Test
  void aValueMovedToAnotherColumnOrAStampAloneIsComparedAsItShouldBe() {
    String ddl = "k int, a string, b string, c decimal(10,2), at timestamp";
    Dataset<Row> table = Frames.of(ddl, new Object[] {1, "x", null, null, null}, new Object[] {2, "x", "y", null, null},
        new Object[] {3, "x", "y", null, null}, new Object[] {4, null, null, null, null});
    Dataset<Row> next = Frames.of(ddl, new Object[] {1, null, "x", null, null}, new Object[] {2, "xy", "", null, null},
        new Object[] {3, "x", "y", null, Frames.ts("2018-08-29 10:00:00")},
        new Object[] {4, null, null, new BigDecimal("0.00"), null});
    Map<Integer, String> changes = TableSync.changes(next, table, List.of("k"), List.of("at")).collectAsList()
        .stream().collect(Collectors.toMap(r -> r.getInt(0), r -> r.getString(5), (a, b) -> a + "," + b,
            TreeMap::new));
    assertEquals(Map.of(1, "update", 2, "update", 3, "same", 4, "update"), changes,
        "a value moved to the next column, two values run together, a null that became 0.00 are changes; "
            + "a run stamp alone is not");
  }

  @Test
  void theDifferenceIsMergedInOneCommitRewritingOnlyTheFilesOfChangedKeys(@TempDir Path dir) {
    SparkSession spark = TestSpark.spark();
    String path = dir.resolve("t").toString();
    // two files: keys 1-2 and keys 3-4
    DeltaTables.overwrite(Frames.of(DDL, new Object[] {1, 1, "a"}, new Object[] {2, 1, "b"}), path, SCHEMA,
        List.of(), Map.of(), DeltaTables.WITH_CHANGE_FEED);
    long before = DeltaTables.append(Frames.of(DDL, new Object[] {3, 1, "c"}, new Object[] {4, 1, "d"}).coalesce(1),
        path, SCHEMA, List.of()).version();

    TableSync.Synced synced = TableSync.merge(spark, path, SCHEMA, List.of(), DeltaTables.WITH_CHANGE_FEED, KEY,
        Frames.of(DDL, new Object[] {1, 1, "a"}, new Object[] {2, 1, "b"}, new Object[] {3, 1, "C"},
            new Object[] {5, 1, "e"}));

    assertEquals(List.of("1/1=a", "2/1=b", "3/1=C", "5/1=e"), rows(spark, path));
    assertEquals(new TableSync.Synced(TableSync.Mode.MERGED, Optional.empty(), 1, 1, 1, 2, synced.filesAdded(), 1, 4,
        before + 1), synced, "one commit; the file of keys 1-2 is not rewritten");
    assertTrue(synced.filesAdded() >= 1);
    assertEquals(3, synced.rowsWritten(), "the rows inserted, updated and deleted, not the table's four");
    assertEquals("merged", synced.asMap().get(WriteDetail.WRITE.key()));
    Map<String, String> feed = spark.read().format("delta")
        .option("readChangeFeed", "true").option("startingVersion", before + 1).load(path)
        .collectAsList().stream().collect(Collectors.toMap(r -> r.getInt(0) + ":" + r.getString(3),
            r -> String.valueOf(r.getString(2)), (a, b) -> a + "," + b, TreeMap::new));
    assertEquals(Map.of("3:update_preimage", "c", "3:update_postimage", "C", "4:delete", "d", "5:insert", "e"), feed,
        "the Change Data Feed holds exactly the difference");
  }

  @Test
  void rowsEqualToTheTableWriteNothing(@TempDir Path dir) {
    SparkSession spark = TestSpark.spark();
    String path = dir.resolve("t").toString();
    Dataset<Row> rows = Frames.of(DDL, new Object[] {1, 1, "a"}, new Object[] {2, 1, null});
    long version = DeltaTables.overwrite(rows, path, SCHEMA, List.of()).version();

    TableSync.Synced synced = TableSync.merge(spark, path, SCHEMA, List.of(), DeltaTables.WITH_CHANGE_FEED, KEY,
        rows);

    assertEquals(new TableSync.Synced(TableSync.Mode.UNCHANGED, Optional.empty(), 0, 0, 0, 2, 0, 0, 2, version),
        synced);
    assertEquals(0, synced.rowsWritten());
    assertEquals(version, DeltaTables.version(spark, path), "no commit, not even the missing table property");
    assertNull(TableMaintenance.detail(spark, path).properties().get(DeltaTables.CHANGE_FEED));
  }

  @Test
  void aTableWithoutTheChangeFeedGetsItBeforeItsFirstMerge(@TempDir Path dir) {
    SparkSession spark = TestSpark.spark();
    String path = dir.resolve("t").toString();
    long version = DeltaTables.overwrite(Frames.of(DDL, new Object[] {1, 1, "a"}), path, SCHEMA, List.of())
        .version();

    TableSync.Synced synced = TableSync.merge(spark, path, SCHEMA, List.of(), DeltaTables.WITH_CHANGE_FEED, KEY,
        Frames.of(DDL, new Object[] {1, 1, "b"}));

    assertEquals("true", TableMaintenance.detail(spark, path).properties().get(DeltaTables.CHANGE_FEED));
    assertEquals(version + 2, synced.version(), "the property's commit, then the MERGE's");
    assertEquals(1, spark.read().format("delta").option("readChangeFeed", "true")
        .option("startingVersion", synced.version()).load(path).filter("_change_type = 'update_postimage'").count());
  }
}
