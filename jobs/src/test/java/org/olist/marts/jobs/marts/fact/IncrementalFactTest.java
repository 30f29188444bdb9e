package org.olist.marts.jobs.marts.fact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.olist.marts.jobs.testing.Frames.ts;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.olist.marts.jobs.orderlines.MonthPrints;
import org.olist.marts.jobs.testing.Frames;

class IncrementalFactTest {
  private static final String DDL = "order_item_sk bigint, order_year_month string, source_updated_at timestamp, "
      + "row_hash string";

  private static List<String> keys(Dataset<Row> df) {
    return df.orderBy("order_item_sk", "row_hash").collectAsList().stream()
        .map(r -> r.getAs("order_item_sk") + ":" + r.getAs("row_hash")).collect(Collectors.toList());
  }

  @Test
  void changedRowsAreNewKeysAndNewHashes() {
    Dataset<Row> fact = Frames.of(DDL, new Object[] {1L, "2018-01", ts("2018-01-01 00:00:00"), "a"},
        new Object[] {2L, "2018-01", ts("2018-01-01 00:00:00"), "b"});
    Dataset<Row> candidates = Frames.of(DDL, new Object[] {1L, "2018-01", ts("2018-01-01 00:00:00"), "a"},
        new Object[] {2L, "2018-01", ts("2018-01-01 00:00:00"), "b2"},
        new Object[] {3L, "2018-02", ts("2018-02-01 00:00:00"), "c"});
    Dataset<Row> compared = IncrementalFact.compare(candidates, fact, true);
    assertEquals(List.of("2:b2", "3:c"), keys(compared.filter(IncrementalFact.toWrite())));
    assertEquals("new=1 changed=1 unchanged=1 missing=0", counts(compared));
  }

  @Test
  void duplicateKeysKeepTheLatestVersion() {
    Dataset<Row> batch = Frames.of(DDL, new Object[] {1L, "2018-01", ts("2018-01-01 00:00:00"), "old"},
        new Object[] {1L, "2018-01", ts("2018-01-05 00:00:00"), "new"},
        new Object[] {2L, "2018-01", ts("2018-01-01 00:00:00"), "x"},
        new Object[] {2L, "2018-01", ts("2018-01-01 00:00:00"), "y"});
    assertEquals(List.of("1:new", "2:y"), keys(IncrementalFact.latestPerKey(batch)));
  }

  @Test
  void lateLinesAreThoseAtOrBeforeTheMarkMinusTheLookback() {
    Dataset<Row> batch = Frames.of(DDL, new Object[] {1L, "2018-01", ts("2018-01-06 23:59:59"), "old"},
        new Object[] {2L, "2018-01", ts("2018-01-07 00:00:00"), "edge"},
        new Object[] {3L, "2018-01", ts("2018-01-07 00:00:01"), "inside"},
        new Object[] {4L, "2018-01", ts("2018-01-12 00:00:00"), "new"});
    assertEquals(List.of("1:old", "2:edge"),
        keys(IncrementalFact.lateLines(batch, ts("2018-01-10 00:00:00"), 3)));
    assertEquals(0, IncrementalFact.lateLines(batch, null, 3).count(), "no mark: a first load, nothing is late");
  }

  @Test
  void aBackfillSourceMovesKeysAcrossTheWindowAndDeletesWhatTheLinesNoLongerHold() {
    Dataset<Row> fact = Frames.of(DDL, new Object[] {1L, "2018-01", ts("2018-01-10 00:00:00"), "in"},
        new Object[] {2L, "2018-02", ts("2018-02-10 00:00:00"), "out"},
        new Object[] {3L, "2018-02", ts("2018-02-11 00:00:00"), "gone"},
        new Object[] {4L, "2018-02", ts("2018-02-12 00:00:00"), "stays"},
        new Object[] {5L, "2018-03", ts("2018-03-01 00:00:00"), "outside"});
    Dataset<Row> rows = Frames.of(DDL, new Object[] {1L, "2018-02", ts("2018-02-01 00:00:00"), "in2"},
        new Object[] {2L, "2018-01", ts("2018-01-20 00:00:00"), "out2"},
        new Object[] {4L, "2018-02", ts("2018-02-12 00:00:00"), "stays"},
        new Object[] {5L, "2018-03", ts("2018-03-01 00:00:00"), "outside"},
        new Object[] {6L, "2018-02", ts("2018-02-20 00:00:00"), "new"});
    Column window = new Column("order_year_month").equalTo("2018-02");
    Dataset<Row> source = IncrementalFact.backfillSource(rows, fact, window);
    assertEquals(List.of("1:in2", "2:out2", "4:stays", "6:new"), keys(source.filter("NOT _delete")));
    assertEquals(List.of("3:gone"), keys(source.filter("_delete")));
    assertEquals(List.of("2018-01", "2018-02"), IncrementalFact.backfillPartitions(source, fact)
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList().stream().sorted().toList());
  }

  @Test
  void theMergeConditionNamesThePartitions() {
    assertEquals("t.order_item_sk = s.order_item_sk AND t.order_year_month IN ('2017-12', '2018-01')",
        IncrementalFact.mergeCondition(List.of("2018-01", "2017-12")));
  }

  @Test
  void aRowMovingMonthTouchesBothPartitions() {
    Dataset<Row> fact = Frames.of(DDL, new Object[] {1L, "2017-05", ts("2017-05-01 00:00:00"), "a"},
        new Object[] {2L, "2017-06", ts("2017-06-01 00:00:00"), "b"});
    Dataset<Row> candidates = Frames.of(DDL, new Object[] {1L, "2018-01", ts("2018-01-01 00:00:00"), "a2"},
        new Object[] {2L, "2017-06", ts("2017-06-01 00:00:00"), "b"},
        new Object[] {3L, "2018-02", ts("2018-02-01 00:00:00"), "c"});
    assertEquals(List.of("2017-05", "2018-01", "2018-02"),
        metrics(IncrementalFact.compare(candidates, fact, true)).getList(4));
  }

  @Test
  void missingKeysOfAWholeSnapshotAreDeletedFromWhereTheyLive() {
    Dataset<Row> fact = Frames.of(DDL, new Object[] {1L, "2017-12", ts("2018-01-01 00:00:00"), "a"},
        new Object[] {2L, "2018-01", ts("2018-01-01 00:00:00"), "b"});
    Dataset<Row> snapshot = Frames.of(DDL, new Object[] {2L, "2018-01", ts("2018-01-01 00:00:00"), "b"});
    Dataset<Row> compared = IncrementalFact.compare(snapshot, fact, true);
    assertEquals("new=0 changed=0 unchanged=1 missing=1", counts(compared));
    assertEquals(List.of(), keys(compared.filter(IncrementalFact.toWrite())), "nothing to write");
    assertEquals(List.of("2017-12"), metrics(compared).getList(4), "the deleted key's partition is touched");
    Dataset<Row> deletions = IncrementalFact.deletions(fact, compared.filter(IncrementalFact.toApply()));
    assertEquals(List.of("1:a"), keys(deletions.drop(IncrementalFact.DELETE)));
    assertTrue(deletions.first().<Boolean>getAs(IncrementalFact.DELETE));
    assertEquals("new=0 changed=0 unchanged=1 missing=0", counts(IncrementalFact.compare(snapshot, fact, false)),
        "append mode never sees missing keys");
  }

  @Test
  void theLinesToWriteAreTheLatestOfEachKey() {
    Dataset<Row> batch = Frames.of(DDL, new Object[] {1L, "2018-01", ts("2018-01-01 00:00:00"), "old"},
        new Object[] {1L, "2018-01", ts("2018-01-05 00:00:00"), "new"},
        new Object[] {2L, "2018-01", ts("2018-01-01 00:00:00"), "x"},
        new Object[] {3L, "2018-01", ts("2018-01-01 00:00:00"), "z"});
    Dataset<Row> keysToWrite = Frames.of(DDL, new Object[] {1L, "2018-01", ts("2018-01-05 00:00:00"), "new"},
        new Object[] {3L, "2018-01", ts("2018-01-01 00:00:00"), "z"});
    assertEquals(List.of("1:new", "3:z"), keys(IncrementalFact.linesToWrite(batch, keysToWrite)));
  }

  @Test
  void theLatestDuplicateIsComparedEvenWhenAnOlderOneChanged() {
    Dataset<Row> fact = Frames.of(DDL, new Object[] {1L, "2018-01", ts("2018-01-05 00:00:00"), "current"});
    Dataset<Row> batch = Frames.of(DDL, new Object[] {1L, "2018-01", ts("2018-01-01 00:00:00"), "stale"},
        new Object[] {1L, "2018-01", ts("2018-01-05 00:00:00"), "current"});
    assertEquals("new=0 changed=0 unchanged=1 missing=0",
        counts(IncrementalFact.compare(IncrementalFact.latestPerKey(batch), fact, true)));
  }

  @Test
  void thePrintsAfterAMergeAreThePrintsOfTheMergedFact() {
    String ddl = "order_item_sk bigint, order_id string, order_item_id int, order_year_month string, "
        + "source_updated_at timestamp, row_hash string";
    Object[] unchanged = {1L, "o1", 1, "2018-01", ts("2018-01-01 00:00:00"), "a"};
    Object[] before = {2L, "o2", 1, "2018-01", ts("2018-01-01 00:00:00"), "b"};
    Object[] after = {2L, "o2", 1, "2018-01", ts("2018-01-02 00:00:00"), "b2"};
    Object[] movedFrom = {3L, "o3", 1, "2018-01", ts("2018-01-01 00:00:00"), "c"};
    Object[] movedTo = {3L, "o3", 1, "2018-02", ts("2018-02-03 00:00:00"), "c2"};
    Object[] added = {4L, "o4", 1, "2018-03", ts("2018-03-01 00:00:00"), "d"};
    Object[] renumbered = {5L, "o5", 2, "2018-03", ts("2018-03-01 00:00:00"), "e"};
    Dataset<Row> fact = Frames.of(ddl, unchanged, before, movedFrom, renumbered);
    Dataset<Row> changes = IncrementalFact.compare(Frames.of(ddl, unchanged, after, movedTo, added), fact, true)
        .filter(IncrementalFact.toApply());
    MonthPrints merged = MonthPrints.scan(Frames.of(ddl, unchanged, after, movedTo, added));
    assertEquals(merged, MonthPrints.scan(fact).plus(IncrementalFact.printChange(changes))
        .plus(IncrementalFact.printRemoval(IncrementalFact.deletions(fact, changes))));
    assertEquals(List.of("2018-01", "2018-02", "2018-03"), merged.differing(MonthPrints.scan(fact)));
  }

  private static Row metrics(Dataset<Row> compared) {
    Column[] metrics = IncrementalFact.changeMetrics();
    return compared.agg(metrics[0], Arrays.copyOfRange(metrics, 1, metrics.length)).first();
  }

  private static String counts(Dataset<Row> compared) {
    Row r = metrics(compared);
    return "new=" + r.getLong(0) + " changed=" + r.getLong(1) + " unchanged=" + r.getLong(2)
        + " missing=" + r.getLong(3);
  }
}
