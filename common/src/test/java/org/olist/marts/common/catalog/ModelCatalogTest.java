package org.olist.marts.common.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.olist.marts.common.OlistException;

class ModelCatalogTest {
  private final ModelCatalog catalog = ModelCatalog.get();

  @Test
  void describesEveryLayer() {
    assertEquals(9, catalog.tablesInLayer(Layer.STAGING).size());
    assertEquals(3, catalog.tablesInLayer(Layer.INTERMEDIATE).size());
    assertEquals(Set.of("fct_order_items", "dim_customers", "dim_products", "dim_sellers", "dim_date",
        "dim_security_rls", "dim_rls_bridge", "meta_project_status"),
        catalog.tablesInLayer(Layer.MARTS).stream().map(TableModel::name).collect(Collectors.toSet()));
    assertEquals(6, catalog.sources().stream().filter(s -> s.required() && s.kind().equals(SourceModel.RAW_FILE))
        .count());
    assertEquals(27, catalog.stateCodes().size());
    assertTrue(catalog.dataTests().stream().anyMatch(t -> t.name().equals("dim_date__completeness")));
  }

  @Test
  void everyTableIsDocumentedAndItsLineageResolves() {
    Set<String> known = new HashSet<>();
    catalog.tables().forEach(t -> known.add(t.name()));
    catalog.sources().forEach(s -> known.add("source." + s.name()));
    for (TableModel t : catalog.tables()) {
      assertFalse(t.description().isBlank(), t.name());
      assertFalse(t.grain().isBlank(), t.name());
      for (ColumnModel c : t.columns()) {
        assertFalse(c.description().isBlank(), t.name() + "." + c.name());
      }
      for (String up : t.dependsOn()) {
        assertTrue(known.contains(up), t.name() + " depends on unknown " + up);
      }
      for (String key : t.primaryKey()) {
        assertFalse(t.column(key).nullable(), t.name() + " key " + key + " is NOT NULL");
      }
    }
  }

  @Test
  void martsFollowTheStarConventions() {
    TableModel fact = catalog.table("fct_order_items");
    assertEquals(List.of("order_year_month"), fact.partitionBy());
    assertEquals("decimal(12,2)", fact.column("price_brl").typeName());
    for (TableModel t : catalog.tablesInLayer(Layer.MARTS)) {
      for (ColumnModel c : t.columns()) {
        if (c.name().endsWith("_sk") && !t.name().equals("meta_project_status") || c.name().startsWith("is_")) {
          assertFalse(c.nullable(), t.name() + "." + c.name() + " is a key or flag");
        }
      }
    }
    ExposureModel dashboard = catalog.exposures().iterator().next();
    assertEquals("Olist Executive Dashboard", dashboard.label());
    // SPEC §7: the dashboard depends on every mart, so the lineage shows all that it reads
    assertEquals(catalog.tablesInLayer(Layer.MARTS).stream().map(TableModel::name).sorted().toList(),
        dashboard.dependsOn().stream().sorted().toList());
  }

  @Test
  void stagingFixesTheSourceMisspellings() {
    TableModel products = catalog.table("stg_products");
    assertEquals("product_name_lenght", products.column("product_name_length").sourceColumn());
    assertEquals("product_description_lenght", products.column("product_description_length").sourceColumn());
  }

  @Test
  void closedSetsAreCheckedWhenTheCatalogIsRead() {
    Config table = ConfigFactory.parseString("layer = marts, description = d, grain = g, columns = "
        + "[{ name = a, type = string, description = a }], tests = [{ type = not_null, column = a }]");
    TableModel ok = TableModel.from("t", table);
    assertEquals(Layer.MARTS, ok.layer());
    assertEquals("marts/t", ok.relativePath());
    assertEquals(List.of("t"), ok.tests().get(0).reads());
    assertEquals(Severity.ERROR, ok.tests().get(0).severity());

    OlistException layer = assertThrows(OlistException.class,
        () -> TableModel.from("t", table.withValue("layer", ConfigValueFactory.fromAnyRef("mart"))));
    assertEquals("Cannot read catalog table t: unknown layer 'mart' (one of staging, intermediate, marts, "
        + "quarantine, audit)", layer.getMessage());
    OlistException type = assertThrows(OlistException.class, () -> TableModel.from("t",
        ConfigFactory.parseString("tests = [{ type = not_nul, column = a }]").withFallback(table)));
    assertTrue(type.getMessage().startsWith("Cannot read data test t__not_nul__a: unknown type 'not_nul' (one of"),
        type.getMessage());
    OlistException severity = assertThrows(OlistException.class, () -> TableModel.from("t",
        ConfigFactory.parseString("tests = [{ type = unique, column = a, severity = warning }]").withFallback(table)));
    assertEquals("Cannot read data test t__unique__a: unknown severity 'warning' (error or warn)",
        severity.getMessage());
  }

  @Test
  void aCrossTableTestReadsTheTablesItNames() {
    DataTestModel reconciliation = catalog.dataTests().stream().filter(t -> t.type() == DataTestType.RECONCILIATION)
        .findFirst().orElseThrow();
    assertEquals(List.of("fct_order_items", "stg_order_items"), reconciliation.reads());
    DataTestModel relationship = catalog.table("fct_order_items").tests().stream()
        .filter(t -> t.type() == DataTestType.RELATIONSHIPS).findFirst().orElseThrow();
    assertEquals(List.of("fct_order_items", relationship.string(DataTestModel.TO)), relationship.reads());
    DataTestModel dates = catalog.dataTests().stream().filter(t -> t.type() == DataTestType.DATE_COMPLETENESS)
        .findFirst().orElseThrow();
    assertEquals(List.of("dim_date"), dates.reads(), "a date range's 'to' is not a table");
  }
}
