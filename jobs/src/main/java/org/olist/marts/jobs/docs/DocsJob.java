package org.olist.marts.jobs.docs;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.olist.marts.common.OlistException;
import org.olist.marts.jobs.warehouse.Tables;
import org.olist.marts.common.catalog.ColumnModel;
import org.olist.marts.common.catalog.DataTestModel;
import org.olist.marts.common.catalog.ExposureModel;
import org.olist.marts.common.catalog.Layer;
import org.olist.marts.common.catalog.ModelCatalog;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.JobMain;
import org.olist.marts.common.job.OlistJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the static docs site (SPEC §7): {@code index.html} with the lineage picture, every table's
 * description, grain, columns and tests from the catalog, and the latest test results and status read from
 * the warehouse (when built). Option: {@code --out DIR} (default {@code target/docs}).
 */
public final class DocsJob extends OlistJob {
  public static final String NAME = "docs";
  public static final String OUT_OPTION = "--out";
  private static final String DEFAULT_OUT = "target/docs";
  private static final Logger LOG = LoggerFactory.getLogger(DocsJob.class);

  private final Path out;

  public DocsJob(Path out) {
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(JobMain.execute(NAME, args, Set.of(OUT_OPTION),
        options -> new DocsJob(Path.of(options.text(OUT_OPTION, DEFAULT_OUT)))));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected boolean audited() {
    return false;
  }

  @Override
  protected void execute(JobContext ctx) {
    Map<String, Row> latest = latestResults(ctx);
    Row status = ctx.exists(Tables.PROJECT_STATUS) ? ctx.read(Tables.PROJECT_STATUS).first() : null;
    List<Row> sli = ctx.exists(Tables.SLI) ? ctx.read(Tables.SLI)
        .orderBy(col("computed_at").desc()).limit(SliCharts.RUNS).collectAsList() : List.of();
    List<Row> oldestFirst = new ArrayList<>(sli);
    Collections.reverse(oldestFirst);
    String html = render(ctx.catalog(), latest, status, oldestFirst, ctx.config().slo(), ctx.warehouse().root());
    try {
      Files.createDirectories(out);
      Files.writeString(out.resolve("index.html"), html, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new OlistException("Cannot write the docs to " + out + ": " + e.getMessage(), e);
    }
    LOG.info("Wrote {} ({} tables, {} test results)", out.resolve("index.html").toAbsolutePath(),
        ctx.catalog().tables().size(), latest.size());
  }

  /** The results of the most recent run of the test job, by test name. */
  private static Map<String, Row> latestResults(JobContext ctx) {
    Map<String, Row> out = new HashMap<>();
    if (!ctx.exists(Tables.TEST_RESULTS)) {
      return out;
    }
    Dataset<Row> results = ctx.read(Tables.TEST_RESULTS);
    Row last = results.orderBy(col("started_at").desc()).select("run_id").first();
    for (Row r : results.filter(col("run_id").equalTo(last.getString(0))).collectAsList()) {
      out.put(r.getAs("test_name"), r);
    }
    return out;
  }

  static String render(ModelCatalog catalog, Map<String, Row> results, Row status, List<Row> sli,
                       OlistConfig.Slo slo, String warehouse) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>olist-marts docs</title>\n")
        .append("<style>body{font-family:Helvetica,Arial,sans-serif;margin:24px;color:#1d2633}"
            + "table{border-collapse:collapse;margin:8px 0 18px}td,th{border:1px solid #ccd3dd;padding:3px 8px;"
            + "font-size:13px;text-align:left;vertical-align:top}th{background:#eef1f5}.pass{color:#1b7f3b}"
            + ".fail{color:#b3261e;font-weight:bold}.warn{color:#a86400;font-weight:bold}.skipped{color:#777}"
            + "section.table{border-top:1px solid #dde3ea;padding-top:6px}.muted{color:#667}"
            + "#lineage-box{overflow-x:auto;border:1px solid #dde3ea;padding:8px;background:#fbfcfd}"
            + ".sli{display:flex;flex-wrap:wrap;gap:10px}.sli figure{margin:0}.sli figcaption{font-size:12px}</style>"
            + "</head><body>\n");
    h.append("<h1>olist-marts</h1><p class=\"muted\">Generated ").append(Instant.now()).append(" from the model ")
        .append("catalog and the warehouse ").append(Html.esc(warehouse)).append(".</p>\n");
    h.append("<h2 id=\"status\">Status (two clocks)</h2>\n");
    if (status == null) {
      h.append("<p class=\"muted\">No status yet: run the pipeline with the status job.</p>\n");
    } else {
      h.append("<table>");
      for (String f : status.schema().fieldNames()) {
        h.append("<tr><th>").append(Html.esc(f)).append("</th><td>").append(Html.esc(status.getAs(f)))
            .append("</td></tr>");
      }
      h.append("</table>\n");
    }
    h.append(SliCharts.render(sli, slo));
    h.append("<h2 id=\"lineage\">Lineage</h2><div id=\"lineage-box\">\n").append(LineageSvg.render(catalog))
        .append("</div>\n");
    h.append("<h2 id=\"exposures\">Exposures</h2>\n");
    for (ExposureModel e : catalog.exposures()) {
      h.append("<p><b>").append(Html.esc(e.label())).append("</b> (").append(Html.esc(e.type())).append(", owner ")
          .append(Html.esc(e.owner())).append("): ").append(Html.esc(e.description())).append(" Depends on ")
          .append(Html.esc(String.join(", ", e.dependsOn()))).append(".</p>\n");
    }
    h.append("<h2 id=\"tests\">Latest test results</h2>\n");
    if (results.isEmpty()) {
      h.append("<p class=\"muted\">No test results yet: run the test job.</p>\n");
    } else {
      h.append("<table><tr><th>test</th><th>severity</th><th>status</th><th>failures</th><th>message</th></tr>");
      for (DataTestModel t : catalog.dataTests()) {
        Row r = results.get(t.name());
        String st = r == null ? "not run" : r.getAs("status");
        h.append("<tr><td>").append(Html.esc(t.name())).append("</td><td>").append(t.severity())
            .append("</td><td class=\"").append(Html.esc(st)).append("\">").append(Html.esc(st)).append("</td><td>")
            .append(r == null ? "" : Html.esc(r.getAs("failures"))).append("</td><td>")
            .append(r == null ? "" : Html.esc(r.getAs("message"))).append("</td></tr>");
      }
      h.append("</table>\n");
    }
    h.append("<h2>Tables</h2>\n");
    for (Layer layer : List.of(Layer.MARTS, Layer.INTERMEDIATE, Layer.STAGING, Layer.QUARANTINE, Layer.AUDIT)) {
      for (TableModel t : catalog.tablesInLayer(layer)) {
        table(h, t, catalog, results);
      }
    }
    return h.append("</body></html>\n").toString();
  }

  private static void table(StringBuilder h, TableModel t, ModelCatalog catalog, Map<String, Row> results) {
    h.append("<section class=\"table\" id=\"").append(t.name()).append("\"><h3>").append(t.layer()).append('/')
        .append(t.name()).append("</h3><p>").append(Html.esc(t.description())).append("</p><p><b>Grain:</b> ")
        .append(Html.esc(t.grain()));
    if (!t.primaryKey().isEmpty()) {
      h.append(" &middot; <b>Primary key:</b> ").append(Html.esc(String.join(", ", t.primaryKey())));
    }
    if (!t.partitionBy().isEmpty()) {
      h.append(" &middot; <b>Partitioned by:</b> ").append(Html.esc(String.join(", ", t.partitionBy())));
    }
    if (!t.dependsOn().isEmpty()) {
      h.append(" &middot; <b>Depends on:</b> ").append(Html.esc(String.join(", ", t.dependsOn())));
    }
    h.append("</p><table><tr><th>column</th><th>type</th><th>nullable</th><th>description</th></tr>");
    for (ColumnModel c : t.columns()) {
      h.append("<tr><td>").append(Html.esc(c.name())).append("</td><td>").append(Html.esc(c.typeName()))
          .append("</td><td>").append(c.nullable() ? "yes" : "NOT NULL").append("</td><td>")
          .append(Html.esc(c.description())).append("</td></tr>");
    }
    h.append("</table>");
    List<DataTestModel> tests = catalog.dataTests().stream().filter(d -> d.table().equals(t.name())).toList();
    if (!tests.isEmpty()) {
      h.append("<p><b>Tests:</b></p><ul>");
      for (DataTestModel d : tests) {
        Row r = results.get(d.name());
        String st = r == null ? "not run" : r.getAs("status");
        h.append("<li>").append(Html.esc(d.name())).append(" (").append(d.severity()).append("): ")
            .append(Html.esc(d.description())).append(" &mdash; <span class=\"").append(Html.esc(st)).append("\">")
            .append(Html.esc(st)).append("</span></li>");
      }
      h.append("</ul>");
    }
    h.append("</section>\n");
  }
}
