package org.olist.marts.jobs.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.olist.marts.common.catalog.ModelCatalog;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.jobs.testing.Frames;

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
    String html = DocsJob.render(catalog, Map.of(), null, List.of(), OlistConfig.defaults().slo(), "/wh");
    for (var t : catalog.tables()) {
      assertTrue(html.contains("id=\"" + t.name() + "\""), t.name());
    }
    assertTrue(html.contains("fct_order_items__money_ranges"));
    assertTrue(html.contains("No test results yet"));
    assertTrue(html.contains("<b>Partitioned by:</b> order_year_month"));
  }

  private static Object[] sli(String run, String at, Long ageSeconds, double successRate, List<String> breaches) {
    return new Object[] {run, Frames.ts(at), null, ageSeconds, null, 3, 1.0, 5, successRate, 10, 10, 1.0, 0L,
        Map.of("staging", 100L), Map.of("staging", 90L, "marts", 60L), Map.of("marts/fct_order_items", 2_097_152L),
        Map.of("marts/fct_order_items", 1024L), Map.of("staging", 2.5, "marts", 4.0), 3.0, null, breaches};
  }

  @Test
  void theServiceLevelsAreDrawnAsTrendsWithTheirTargets() {
    List<Row> rows = Frames.table("sli",
        sli("r1", "2026-11-28 06:00:00", 0L, 1.0, List.of()),
        sli("r2", "2026-11-30 06:00:00", 180_000L, 0.5, List.of("engineering clock: last fully successful run 50.0 h ago"
            + " (SLO: under 26.0 h)"))).collectAsList();
    String section = SliCharts.render(rows, OlistConfig.defaults().slo());
    assertTrue(section.startsWith("<h2 id=\"sli\">Service levels</h2>"));
    assertTrue(section.contains("<span class=\"fail\">engineering clock: last fully successful run 50.0 h ago"),
        section);
    assertEquals(10, section.split("<figure>", -1).length - 1, "one figure per SLI");
    assertEquals(9, section.split("<svg ", -1).length - 1, "a chart for each SLI with a value");
    assertEquals(3, section.split("stroke-dasharray", -1).length - 1, "the three SLO targets");
    assertTrue(section.contains("Engineering clock age: <b>50 h</b>"), section);
    assertTrue(section.contains("Job success rate (30 days): <b>50 %</b>"), section);
    assertTrue(section.contains("Storage, all tables: <b>2 MiB</b>"), section);
    assertTrue(section.contains("Last backfill: <span class=\"muted\">no value yet</span>"), section);
    assertTrue(section.contains("<polyline"), section);
    assertTrue(!section.contains("<script"), "no JavaScript");
    assertTrue(SliCharts.render(rows.subList(0, 1), OlistConfig.defaults().slo()).contains("every SLO met"));
  }
}
