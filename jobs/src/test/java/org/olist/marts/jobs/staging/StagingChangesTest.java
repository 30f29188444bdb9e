package org.olist.marts.jobs.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.audit.WriteDetail;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.delta.TableMaintenance;
import org.olist.marts.common.job.JobMain;
import org.olist.marts.common.job.JobOutcome;
import org.olist.marts.jobs.testing.AuditRow;
import org.olist.marts.jobs.testing.JobTest;
import org.olist.marts.jobs.testing.OlistData;
import org.olist.marts.jobs.testing.Pipeline;
import org.olist.marts.jobs.testing.SampleWarehouse;
import org.olist.marts.jobs.testing.TestSpark;
import org.olist.marts.jobs.verify.TableDiff;
import org.olist.marts.jobs.warehouse.Tables;

/**
 * Issue 33, staging: a changed file is written by its difference (SPEC §4), in one commit whose Change Data Feed
 * holds exactly the keys that changed, and the staged table equals the one staging the file afresh writes.
 */
@JobTest
class StagingChangesTest {
  private static final String ORDERS = "staging/" + Tables.STG_ORDERS;

  @Test
  void aChangedFileIsWrittenByItsDifference(@TempDir Path dir) throws IOException {
    Path warehouse = SampleWarehouse.copyTo(dir.resolve("warehouse"));
    Path input = Pipeline.copy(OlistData.sample(), dir.resolve("input"));
    Path orders = input.resolve("olist_orders_dataset.csv");
    List<String> lines = new ArrayList<>(Files.readAllLines(orders, StandardCharsets.UTF_8));
    String changed = lines.get(1).substring(0, lines.get(1).indexOf(','));
    String gone = lines.get(2).substring(0, lines.get(2).indexOf(','));
    String added = "00000000000000000000000000000new";
    // a status change, an order gone from the export, a new order
    lines.set(1, lines.get(1).replace(",delivered,", ",canceled,"));
    lines.add(added + lines.get(3).substring(lines.get(3).indexOf(',')));
    lines.remove(2);
    Files.write(orders, lines, StandardCharsets.UTF_8);
    long before = Pipeline.version(warehouse, "staging", Tables.STG_ORDERS);
    long quarantineBefore = Pipeline.version(warehouse, "quarantine", Tables.STG_ORDERS);
    long staged = Pipeline.table(warehouse, "staging", Tables.STG_ORDERS).count();

    JobOutcome outcome = JobMain.run(new StagingJob(), TestSpark.spark(),
        SampleWarehouse.config(input, warehouse, "day-2", Map.of()), Instant.now());

    assertTrue(outcome.succeeded());
    assertEquals(3, outcome.rows(), "the progress line counts the rows the MERGE changed, not the table's");
    AuditRow row = AuditRow.of(warehouse, "day-2", ORDERS);
    row.expect(WriteDetail.WRITE, "merged");
    row.expect(WriteDetail.ROWS_INSERTED, 1);
    row.expect(WriteDetail.ROWS_UPDATED, 1);
    row.expect(WriteDetail.ROWS_DELETED, 1);
    row.expect(WriteDetail.ROWS_UNCHANGED, staged - 2);
    String path = warehouse.resolve(ORDERS).toString();
    assertEquals(before + 1, DeltaTables.version(TestSpark.spark(), path), "one commit");
    assertEquals(quarantineBefore, Pipeline.version(warehouse, "quarantine", Tables.STG_ORDERS),
        "the quarantine, empty before and after, is not committed again");
    AuditRow.of(warehouse, "day-2", "quarantine/" + Tables.STG_ORDERS).expect(WriteDetail.WRITE, "unchanged");
    assertEquals("true", TableMaintenance.detail(TestSpark.spark(), path).properties().get(DeltaTables.CHANGE_FEED));
    Map<String, String> feed = TestSpark.spark().read().format("delta").option("readChangeFeed", "true")
        .option("startingVersion", before + 1).load(path).select("order_id", "_change_type").collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(1), r -> r.getString(0), (a, b) -> a + "," + b, TreeMap::new));
    assertEquals(Map.of("insert", added, "update_preimage", changed, "update_postimage", changed, "delete", gone),
        feed, "the feed holds the three changed keys and nothing else");
    assertEquals(staged, Pipeline.table(warehouse, "staging", Tables.STG_ORDERS).count());

    Path fresh = dir.resolve("fresh");
    new StagingJob().run(TestSpark.spark(), SampleWarehouse.config(input, fresh, "fresh", Map.of()));
    AuditRow.of(fresh, "fresh", ORDERS).expect(WriteDetail.REPLACED_BECAUSE, "no table yet");
    for (String table : List.of(Tables.STG_ORDERS, Tables.STG_ORDER_ITEMS, Tables.STG_CUSTOMERS)) {
      assertEquals(Optional.empty(), TableDiff.difference(Pipeline.table(warehouse, "staging", table),
          Pipeline.table(fresh, "staging", table), List.of()), table + " equals staging the files afresh");
    }
    Row status = Pipeline.table(warehouse, "staging", Tables.STG_ORDERS).filter("order_id = '" + changed + "'")
        .select("order_status").first();
    assertEquals("canceled", status.getString(0));
  }

  @Test
  void aFullRefreshReplacesTheStagedTables(@TempDir Path dir) throws IOException {
    Path warehouse = SampleWarehouse.copyTo(dir.resolve("warehouse"));
    long before = Pipeline.version(warehouse, "staging", Tables.STG_SELLERS);
    new StagingJob().run(TestSpark.spark(), SampleWarehouse.config(warehouse, "refresh",
        Map.of(OlistConfig.FULL_REFRESH, true)));
    AuditRow.of(warehouse, "refresh", "staging/" + Tables.STG_SELLERS)
        .expect(WriteDetail.REPLACED_BECAUSE, "full refresh");
    assertEquals(before + 1, Pipeline.version(warehouse, "staging", Tables.STG_SELLERS));
  }
}
