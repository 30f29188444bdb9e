package org.olist.marts.jobs.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.olist.marts.common.catalog.ModelCatalog;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.jobs.testing.TestSpark;

class TableDiffTest {
  private static Dataset<Row> frame(String rows) {
    return TestSpark.spark().sql("SELECT * FROM VALUES " + rows + " AS t(id, amount, loaded_at)");
  }

  private static final String BASE = "(1, 10.5, 'a'), (2, 20.0, 'b'), (2, 20.0, 'b')";

  @Test
  void equalTablesIgnoringRunStamps() {
    assertEquals(Optional.empty(), TableDiff.difference(frame("(2, 20.0, 'x'), (1, 10.5, 'y'), (2, 20.0, 'z')"),
        frame(BASE), List.of("loaded_at")));
  }

  @Test
  void aRunStampThatIsNotIgnoredIsADifference() {
    assertTrue(TableDiff.difference(frame("(1, 10.5, 'x'), (2, 20.0, 'b'), (2, 20.0, 'b')"), frame(BASE), List.of())
        .orElseThrow().startsWith("1 expected rows missing, 1 unexpected rows"));
  }

  @Test
  void lostDuplicatedAndAlteredRowsAreDifferences() {
    assertEquals("1 expected rows missing, 0 unexpected rows (of 2 rows; expected 3)",
        TableDiff.difference(frame("(1, 10.5, 'a'), (2, 20.0, 'b')"), frame(BASE), List.of("loaded_at")).orElseThrow());
    assertEquals("0 expected rows missing, 1 unexpected rows (of 4 rows; expected 3)",
        TableDiff.difference(frame(BASE + ", (1, 10.5, 'a')"), frame(BASE), List.of("loaded_at")).orElseThrow());
    assertEquals("1 expected rows missing, 1 unexpected rows (of 3 rows; expected 3)",
        TableDiff.difference(frame("(1, 10.6, 'a'), (2, 20.0, 'b'), (2, 20.0, 'b')"), frame(BASE), List.of("loaded_at"))
            .orElseThrow());
  }

  @Test
  void differentSchemasAreADifference() {
    Dataset<Row> renamed = frame(BASE).withColumnRenamed("amount", "price");
    assertTrue(TableDiff.difference(renamed, frame(BASE), List.of()).orElseThrow().startsWith("schemas differ"));
  }

  @Test
  void comparesEveryBuiltLayerWithItsQuarantineEverySecuredCopyAndTheCatalogsRunStamps() {
    Map<String, TableModel> tables = CompareJob.comparedTables(ModelCatalog.get(), Set.of("sul", "national"));
    assertTrue(tables.containsKey("staging/stg_orders"));
    assertTrue(tables.containsKey("quarantine/stg_orders"));
    assertTrue(tables.containsKey("marts/fct_order_items"));
    assertTrue(tables.keySet().stream().noneMatch(k -> k.startsWith("audit/")));
    assertTrue(tables.get("marts/fct_order_items").column("loaded_at").runStamp());
    assertTrue(tables.get("quarantine/stg_orders").column("quarantined_at").runStamp());
    for (String set : List.of("sul", "national")) {
      for (String mart : List.of("fct_order_items", "dim_customers", "dim_sellers", "dim_products")) {
        assertEquals(tables.get("marts/" + mart), tables.get("secure/" + set + "/" + mart), set + "/" + mart);
      }
    }
    assertTrue(tables.keySet().stream().noneMatch(k -> k.startsWith("secure/") && k.endsWith("/dim_date")),
        "dim_date has no copies (SPEC §5)");
  }
}
