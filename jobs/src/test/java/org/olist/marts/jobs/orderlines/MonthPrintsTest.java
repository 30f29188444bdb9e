package org.olist.marts.jobs.orderlines;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.delta.KeptPrints;
import org.olist.marts.jobs.testing.Frames;
import org.olist.marts.jobs.testing.TestSpark;

class MonthPrintsTest {
  private static final String DDL = "order_id string, order_item_id int, order_year_month string, row_hash string";

  @TempDir
  Path dir;

  private static MonthPrints factPrints() {
    return MonthPrints.scan(Frames.of(DDL, new Object[] {"o1", 1, "2018-01", "a"},
        new Object[] {"o2", 1, "2018-01", "b"}, new Object[] {"o3", 1, "2018-02", "c"},
        new Object[] {"o4", 1, "2018-03", "d"}));
  }

  @Test
  void onlyMonthsWhosePrintsDifferAreNamed() {
    MonthPrints batch = MonthPrints.scan(Frames.of(DDL, new Object[] {"o2", 1, "2018-01", "b"},
        new Object[] {"o1", 1, "2018-01", "a"}, new Object[] {"o3", 1, "2018-02", "c2"},
        new Object[] {"o5", 1, "2018-04", "e"}));
    // same pairs in another order: equal; a new hash, a month gone, a new month: differ
    assertEquals(List.of("2018-02", "2018-03", "2018-04"), batch.differing(factPrints()));
    assertEquals(4, batch.rows());
    assertEquals(2, batch.rowsOutside(batch.differing(factPrints())));
  }

  @Test
  void aSwappedHashBetweenTwoKeysChangesThePrint() {
    Dataset<Row> swapped = Frames.of(DDL, new Object[] {"o1", 1, "2018-01", "b"},
        new Object[] {"o2", 1, "2018-01", "a"});
    Dataset<Row> original = Frames.of(DDL, new Object[] {"o1", 1, "2018-01", "a"},
        new Object[] {"o2", 1, "2018-01", "b"});
    assertEquals(List.of("2018-01"), MonthPrints.scan(swapped).differing(MonthPrints.scan(original)));
  }

  @Test
  void keptPrintsAreReadBackOnlyForTheirVersion() throws IOException {
    String table = dir.resolve("table").toString();
    MonthPrints prints = factPrints();
    prints.write(TestSpark.spark(), table, 3);
    assertEquals(Optional.of(prints), MonthPrints.read(TestSpark.spark(), table, 3));
    assertEquals(Optional.empty(), MonthPrints.read(TestSpark.spark(), table, 4));
    prints.write(TestSpark.spark(), table, 4);
    assertEquals(Optional.empty(), MonthPrints.read(TestSpark.spark(), table, 3), "older versions' files go");
    try (var files = Files.list(dir.resolve("table").resolve(KeptPrints.DIR))) {
      assertEquals(List.of(String.format("%020d.json", 4)), files.map(f -> f.getFileName().toString())
          .filter(f -> !f.startsWith(".")).toList());
    }
  }

  @Test
  void anUnreadableOrMisnamedFileMeansScanning() throws IOException {
    String table = dir.resolve("table").toString();
    Path folder = Files.createDirectories(dir.resolve("table").resolve(KeptPrints.DIR));
    Files.writeString(folder.resolve(String.format("%020d.json", 5)), "{\"table_version\":5,\"months\":{\"2018-01\"",
        StandardCharsets.UTF_8);
    assertEquals(Optional.empty(), MonthPrints.read(TestSpark.spark(), table, 5));
    // a file renamed to another version is refused by the version it names inside
    factPrints().write(TestSpark.spark(), table, 6);
    Files.move(folder.resolve(String.format("%020d.json", 6)), folder.resolve(String.format("%020d.json", 7)));
    assertEquals(Optional.empty(), MonthPrints.read(TestSpark.spark(), table, 7));
    assertTrue(MonthPrints.read(TestSpark.spark(), table, 6).isEmpty());
  }

  @Test
  void emptyMonthsAreNoMonths() {
    MonthPrints fact = factPrints();
    MonthPrints gone = MonthPrints.sumByMonth(MonthPrints.parts(
        Frames.of(DDL, new Object[] {"o4", 1, "2018-03", "d"}), col(Columns.ORDER_YEAR_MONTH), col(Columns.ROW_HASH),
        -1));
    MonthPrints after = fact.plus(gone);
    assertEquals(List.of("2018-01", "2018-02"), List.copyOf(after.months().keySet()));
    assertNotEquals(fact, after);
  }

  /** Prints derived from a version read are kept only for the commit that directly follows it. */
  @Test
  void derivedPrintsAreKeptOnlyForTheCommitThatFollowsTheVersionRead() {
    String table = dir.resolve("derived").toString();
    MonthPrints prints = factPrints();
    assertTrue(prints.writeIfNext(TestSpark.spark(), table, 3, 4));
    assertEquals(Optional.of(prints), MonthPrints.read(TestSpark.spark(), table, 4));
    assertTrue(!prints.writeIfNext(TestSpark.spark(), table, 4, 6), "version 5 was another writer's");
    assertEquals(Optional.empty(), MonthPrints.read(TestSpark.spark(), table, 6));
    KeptPrints.carryOver(TestSpark.spark(), table, 4, 5);
    assertEquals(Optional.of(prints), MonthPrints.read(TestSpark.spark(), table, 5), "a compaction carries them on");
  }
}
