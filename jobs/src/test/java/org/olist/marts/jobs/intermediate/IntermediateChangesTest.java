package org.olist.marts.jobs.intermediate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.audit.RunDetail;
import org.olist.marts.common.audit.WriteDetail;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.delta.TableMaintenance;
import org.olist.marts.common.job.InputChanges;
import org.olist.marts.jobs.staging.StagingJob;
import org.olist.marts.jobs.testing.AuditRow;
import org.olist.marts.jobs.testing.Csv;
import org.olist.marts.jobs.testing.JobTest;
import org.olist.marts.jobs.testing.OlistData;
import org.olist.marts.jobs.testing.Pipeline;
import org.olist.marts.jobs.testing.SampleWarehouse;
import org.olist.marts.jobs.testing.TestSpark;
import org.olist.marts.jobs.warehouse.Tables;

/**
 * Issue 33, intermediate: a gap in a staging feed is never skipped. A staging table replaced (a full refresh) or the
 * feed's files vacuumed make the intermediate tables that read it computed whole, and the audit row says why. (A
 * day's changes flowing down every layer: {@code DailyChangesTest}.)
 */
@JobTest
class IntermediateChangesTest {
  @Test
  void aReplacedStagingTableMakesItsReadersComputeWhole(@TempDir Path dir) throws IOException {
    Path warehouse = SampleWarehouse.copyTo(dir.resolve("warehouse"));
    new StagingJob().run(TestSpark.spark(), SampleWarehouse.config(warehouse, "refresh",
        Map.of(OlistConfig.FULL_REFRESH, true)));
    new IntermediateJob().run(TestSpark.spark(), SampleWarehouse.config(warehouse, "day-2", Map.of()));
    AuditRow row = AuditRow.of(warehouse, "day-2", "intermediate/" + Tables.PRODUCTS_ENRICHED);
    row.expect(RunDetail.COMPUTED_FROM, InputChanges.WHOLE);
    assertTrue(row.get(RunDetail.COMPUTED_WHOLE_BECAUSE).contains("replaced the table"), row.toString());
    row.expect(WriteDetail.WRITE, "unchanged");
  }

  @Test
  void aVacuumedFeedMakesItsReadersComputeWhole(@TempDir Path dir) throws IOException {
    Path warehouse = SampleWarehouse.copyTo(dir.resolve("warehouse"));
    Path input = Pipeline.copy(OlistData.sample(), dir.resolve("input"));
    Path ordersFile = input.resolve("olist_orders_dataset.csv");
    List<Map<String, String>> orders = Csv.read(ordersFile);
    List<String> lineOrders = Csv.read(input.resolve("olist_order_items_dataset.csv")).stream()
        .map(i -> i.get("order_id")).toList();
    Map<String, String> canceled = orders.stream().filter(o -> lineOrders.contains(o.get("order_id"))
        && !"canceled".equals(o.get("order_status"))).findFirst().orElseThrow();
    canceled.put("order_status", "canceled");
    Csv.write(ordersFile, orders);
    OlistConfig day2 = SampleWarehouse.config(input, warehouse, "day-2", Map.of());
    new StagingJob().run(TestSpark.spark(), day2);
    TableMaintenance.vacuum(TestSpark.spark(), warehouse.resolve("staging").resolve(Tables.STG_ORDERS).toString(), 0,
        true);
    new IntermediateJob().run(TestSpark.spark(), day2);
    AuditRow row = AuditRow.of(warehouse, "day-2", "intermediate/" + Tables.ORDER_ITEMS_JOINED);
    row.expect(RunDetail.COMPUTED_FROM, InputChanges.WHOLE);
    assertTrue(row.get(RunDetail.COMPUTED_WHOLE_BECAUSE).contains("Cannot read the change feed of"), row.toString());
    row.expect(WriteDetail.ROWS_UPDATED, lineOrders.stream().filter(canceled.get("order_id")::equals).count());
  }
}
