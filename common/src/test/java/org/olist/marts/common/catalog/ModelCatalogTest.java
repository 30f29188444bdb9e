package org.olist.marts.common.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ModelCatalogTest {
  private final ModelCatalog catalog = ModelCatalog.get();

  @Test
  void describesEveryLayer() {
    assertEquals(9, catalog.tablesInLayer("staging").size());
    assertEquals(3, catalog.tablesInLayer("intermediate").size());
    assertEquals(Set.of("fct_order_items", "dim_customers", "dim_products", "dim_sellers", "dim_date",
        "dim_security_rls", "dim_rls_bridge", "meta_project_status"),
        catalog.tablesInLayer("marts").stream().map(TableModel::name).collect(Collectors.toSet()));
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
    for (TableModel t : catalog.tablesInLayer("marts")) {
      for (ColumnModel c : t.columns()) {
        if (c.name().endsWith("_sk") && !t.name().equals("meta_project_status") || c.name().startsWith("is_")) {
          assertFalse(c.nullable(), t.name() + "." + c.name() + " is a key or flag");
        }
      }
    }
    ExposureModel dashboard = catalog.exposures().iterator().next();
    assertEquals("Olist Executive Dashboard", dashboard.label());
    // SPEC §7: the dashboard depends on every mart, so the lineage shows all that it reads
    assertEquals(catalog.tablesInLayer("marts").stream().map(TableModel::name).sorted().toList(),
        dashboard.dependsOn().stream().sorted().toList());
  }

  @Test
  void stagingFixesTheSourceMisspellings() {
    TableModel products = catalog.table("stg_products");
    assertEquals("product_name_lenght", products.column("product_name_length").sourceColumn());
    assertEquals("product_description_lenght", products.column("product_description_length").sourceColumn());
  }
}
