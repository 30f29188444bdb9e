package org.olist.marts.jobs.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.olist.marts.common.catalog.ModelCatalog;

class DocsTest {
  private final ModelCatalog catalog = ModelCatalog.get();

  @Test
  void theLineagePictureHasEveryLayerNodeAndEdge() {
    String svg = LineageSvg.render(catalog);
    assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    for (String layer : LineageSvg.COLUMNS) {
      assertTrue(svg.contains(">" + layer + "</text>"), layer);
    }
    for (String mart : new String[] {"fct_order_items", "dim_customers", "dim_products", "dim_sellers", "dim_date"}) {
      assertTrue(svg.contains(">" + mart + "</text>"), mart);
    }
    assertTrue(svg.contains(">Olist Executive Dashboard</text>"));
    long edges = svg.split("class=\"edge\"", -1).length - 1;
    assertEquals(LineageSvg.edges(catalog).size(), edges, "every dependency is drawn");
  }

  @Test
  void thePageDescribesEveryTableAndItsTests() {
    String html = DocsJob.render(catalog, Map.of(), null, "/wh");
    for (var t : catalog.tables()) {
      assertTrue(html.contains("id=\"" + t.name() + "\""), t.name());
    }
    assertTrue(html.contains("fct_order_items__money_ranges"));
    assertTrue(html.contains("No test results yet"));
    assertTrue(html.contains("<b>Partitioned by:</b> order_year_month"));
  }
}
