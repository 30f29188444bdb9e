package org.olist.marts.jobs.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.jobs.testing.JobTest;
import org.olist.marts.jobs.testing.TestSpark;

/**
 * The compare job names every table that differs, a mart's and a secured copy's alike, or that only one warehouse
 * holds, and passes two warehouses that differ only in run stamps.
 */
@JobTest
class CompareJobTest {
  @TempDir
  Path dir;

  private static void table(Path warehouse, String table, String rows) {
    Dataset<Row> df = TestSpark.spark().sql("SELECT * FROM VALUES " + rows + " AS t(sk, loaded_at)");
    df.write().format("delta").save(warehouse.resolve(table).toString());
  }

  private OlistConfig config(Path warehouse) {
    return TestSpark.config(dir.resolve("input").toString(), warehouse, Map.of(OlistConfig.RUN_ID, "compare"));
  }

  @Test
  void namesEachTableThatDiffersOrIsOnlyInOneWarehouse() {
    Path expected = dir.resolve("expected");
    Path actual = dir.resolve("actual");
    table(expected, "marts/fct_order_items", "(1, 'a'), (2, 'a')");
    table(actual, "marts/fct_order_items", "(1, 'b'), (2, 'b')");
    table(expected, "marts/dim_products", "(1, 'a'), (2, 'a')");
    table(actual, "marts/dim_products", "(1, 'a'), (3, 'a')");
    table(expected, "secure/sul/dim_sellers", "(1, 'a')");
    table(actual, "secure/sul/dim_sellers", "(1, 'a'), (2, 'a')");
    table(actual, "secure/norte/dim_sellers", "(1, 'a')");

    OlistException e = assertThrows(OlistException.class,
        () -> new CompareJob(expected.toString()).run(TestSpark.spark(), config(actual)));
    String m = e.getMessage();
    assertTrue(m.contains("marts/dim_products: 1 expected rows missing, 1 unexpected rows"), m);
    assertTrue(m.contains("secure/sul/dim_sellers: 0 expected rows missing, 1 unexpected rows"), m);
    assertTrue(m.contains("secure/norte/dim_sellers: only in " + actual), m);
    assertTrue(!m.contains("marts/fct_order_items"), "loaded_at is a run stamp of the fact: " + m);
  }

  @Test
  void passesWarehousesThatDifferOnlyInRunStamps() {
    Path expected = dir.resolve("expected");
    Path actual = dir.resolve("actual");
    table(expected, "secure/sul/fct_order_items", "(1, 'a'), (2, 'a')");
    table(actual, "secure/sul/fct_order_items", "(2, 'b'), (1, 'b')");
    assertEquals(0, new CompareJob(expected.toString()).run(TestSpark.spark(), config(actual)).size(),
        "the compare job writes nothing");
  }
}
