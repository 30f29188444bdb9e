package org.olist.marts.jobs.docs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.olist.marts.common.catalog.ExposureModel;
import org.olist.marts.common.catalog.Layer;
import org.olist.marts.common.catalog.ModelCatalog;
import org.olist.marts.common.catalog.SourceModel;
import org.olist.marts.common.catalog.TableModel;

/**
 * Draws the catalog's lineage (sources → staging → intermediate → marts → exposures) as an SVG picture: one
 * column per layer, one box per node, one curve per dependency.
 */
public final class LineageSvg {
  static final List<String> COLUMNS = List.of("sources", "staging", "intermediate", "marts", "exposures");
  private static final Map<String, String> COLORS = Map.of("sources", "#e8eef7", "staging", "#e3f2e1",
      "intermediate", "#fff4d6", "marts", "#fde2e1", "exposures", "#eadcf5");
  private static final int BOX_W = 230;
  private static final int BOX_H = 26;
  private static final int GAP_Y = 10;
  private static final int COL_W = 300;
  private static final int TOP = 50;

  record Node(String id, String label, String column, String link) {
  }

  private LineageSvg() {
  }

  static List<Node> nodes(ModelCatalog catalog) {
    List<Node> out = new ArrayList<>();
    for (SourceModel s : catalog.sources()) {
      out.add(new Node("source." + s.name(), s.file(), "sources", null));
    }
    for (Layer layer : Layer.MODELLED) {
      for (TableModel t : catalog.tablesInLayer(layer)) {
        out.add(new Node(t.name(), t.name(), layer.dir(), "#" + t.name()));
      }
    }
    for (ExposureModel e : catalog.exposures()) {
      out.add(new Node("exposure." + e.name(), e.label(), "exposures", "#exposures"));
    }
    return out;
  }

  static List<String[]> edges(ModelCatalog catalog) {
    List<String[]> out = new ArrayList<>();
    for (TableModel t : catalog.tables()) {
      if (Arrays.asList(Layer.MODELLED).contains(t.layer())) {
        t.dependsOn().forEach(d -> out.add(new String[] {d, t.name()}));
      }
    }
    for (ExposureModel e : catalog.exposures()) {
      e.dependsOn().forEach(d -> out.add(new String[] {d, "exposure." + e.name()}));
    }
    return out;
  }

  public static String render(ModelCatalog catalog) {
    List<Node> nodes = nodes(catalog);
    Map<String, int[]> position = new LinkedHashMap<>();
    int[] rows = new int[COLUMNS.size()];
    int maxRows = 0;
    for (Node n : nodes) {
      int c = COLUMNS.indexOf(n.column());
      position.put(n.id(), new int[] {20 + c * COL_W, TOP + rows[c] * (BOX_H + GAP_Y)});
      rows[c]++;
      maxRows = Math.max(maxRows, rows[c]);
    }
    int width = 20 + COLUMNS.size() * COL_W;
    int height = TOP + maxRows * (BOX_H + GAP_Y) + 20;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"lineage\" width=\"").append(width)
        .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
        .append("\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n");
    svg.append("<title>Lineage: sources to staging to intermediate to marts to exposures</title>\n");
    svg.append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"6\" "
        + "markerHeight=\"6\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#7a869a\"/></marker></defs>\n");
    for (int c = 0; c < COLUMNS.size(); c++) {
      svg.append("<text x=\"").append(20 + c * COL_W).append("\" y=\"28\" font-weight=\"bold\" font-size=\"14\">")
          .append(COLUMNS.get(c)).append("</text>\n");
    }
    for (String[] e : edges(catalog)) {
      int[] from = position.get(e[0]);
      int[] to = position.get(e[1]);
      if (from == null || to == null) {
        continue;
      }
      int x1 = from[0] + BOX_W;
      int y1 = from[1] + BOX_H / 2;
      int x2 = to[0];
      int y2 = to[1] + BOX_H / 2;
      int mid = (x1 + x2) / 2;
      svg.append("<path class=\"edge\" d=\"M").append(x1).append(',').append(y1).append(" C").append(mid).append(',')
          .append(y1).append(' ').append(mid).append(',').append(y2).append(' ').append(x2 - 2).append(',').append(y2)
          .append("\" fill=\"none\" stroke=\"#9aa5b8\" stroke-width=\"1.2\" marker-end=\"url(#arrow)\"/>\n");
    }
    for (Node n : nodes) {
      int[] p = position.get(n.id());
      String box = "<rect class=\"node\" x=\"" + p[0] + "\" y=\"" + p[1] + "\" width=\"" + BOX_W + "\" height=\""
          + BOX_H + "\" rx=\"5\" fill=\"" + COLORS.get(n.column()) + "\" stroke=\"#5b6b82\"/>"
          + "<text x=\"" + (p[0] + 8) + "\" y=\"" + (p[1] + 17) + "\">" + Html.esc(shorten(n.label())) + "</text>";
      svg.append(n.link() == null ? box : "<a href=\"" + n.link() + "\">" + box + "</a>").append('\n');
    }
    return svg.append("</svg>\n").toString();
  }

  private static String shorten(String s) {
    return s.length() > 34 ? s.substring(0, 32) + "…" : s;
  }
}
