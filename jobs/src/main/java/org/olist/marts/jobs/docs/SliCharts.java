package org.olist.marts.jobs.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.olist.marts.common.config.OlistConfig;

/**
 * The docs site's "Service levels" section: one small trend chart per SLI over the latest runs of
 * {@code audit/sli}, drawn as inline SVG (no JavaScript), with the SLO target as a dashed line where there is one.
 */
final class SliCharts {
  static final int RUNS = 30;
  private static final int WIDTH = 280;
  private static final int HEIGHT = 70;
  private static final int PAD = 6;

  /** One chart: what it shows, its value per run (empty when unknown), its unit and its SLO line. */
  private record Series(String title, Function<Row, Optional<Double>> value, String unit, Optional<Double> target) {
  }

  private SliCharts() {
  }

  private static List<Series> series(OlistConfig.Slo slo) {
    return List.of(
        new Series("Engineering clock age", r -> number(r, "engineering_age_seconds").map(s -> s / 3600), "h",
            Optional.of(slo.maxEngineeringAge().toSeconds() / 3600.0)),
        new Series("Business clock lag", r -> number(r, "freshness_lag_days"), "days", Optional.empty()),
        new Series("Job success rate (" + slo.successWindowDays() + " days)",
            r -> number(r, "job_success_rate_30d").map(v -> 100 * v), "%",
            Optional.of(100 * slo.minJobSuccessRate())),
        new Series("Data accuracy (error tests passed)", r -> number(r, "data_accuracy_rate").map(v -> 100 * v), "%",
            Optional.of(100 * slo.minDataAccuracyRate())),
        new Series("Failing test rows", r -> number(r, "failing_rows"), "rows", Optional.empty()),
        new Series("Storage, all tables", r -> sum(r, "table_bytes").map(b -> b / 1_048_576), "MiB", Optional.empty()),
        new Series("Rows written", r -> sum(r, "rows_out"), "rows", Optional.empty()),
        new Series("Run duration (jobs)", r -> sum(r, "job_seconds"), "s", Optional.empty()),
        new Series("Fact load", r -> number(r, "fact_load_seconds"), "s", Optional.empty()),
        new Series("Last backfill", r -> number(r, "last_backfill_seconds"), "s", Optional.empty()));
  }

  private static Optional<Double> number(Row r, String column) {
    Object v = r.getAs(column);
    return v instanceof Number n ? Optional.of(n.doubleValue()) : Optional.empty();
  }

  private static Optional<Double> sum(Row r, String column) {
    Map<String, Object> map = r.getJavaMap(r.fieldIndex(column));
    return Optional.of(map.values().stream().mapToDouble(v -> ((Number) v).doubleValue()).sum());
  }

  /** The section for the SLI rows given oldest first (the latest {@link #RUNS} are drawn). */
  static String render(List<Row> rows, OlistConfig.Slo slo) {
    StringBuilder h = new StringBuilder("<h2 id=\"sli\">Service levels</h2>\n");
    if (rows.isEmpty()) {
      return h.append("<p class=\"muted\">No SLIs yet: run the pipeline with the status job.</p>\n").toString();
    }
    List<Row> recent = rows.subList(Math.max(0, rows.size() - RUNS), rows.size());
    Row latest = recent.get(recent.size() - 1);
    List<String> breaches = latest.getList(latest.fieldIndex("slo_breaches"));
    h.append("<p>Run ").append(Html.esc(latest.getAs("run_id"))).append(": ")
        .append(breaches.isEmpty() ? "<span class=\"pass\">every SLO met</span>"
            : "<span class=\"fail\">" + Html.esc(String.join("; ", breaches)) + "</span>")
        .append(" <span class=\"muted\">(latest ").append(recent.size()).append(" runs drawn)</span></p>\n")
        .append("<div class=\"sli\">");
    for (Series s : series(slo)) {
      h.append(chart(s, recent));
    }
    return h.append("</div>\n").toString();
  }

  private static String chart(Series s, List<Row> rows) {
    List<double[]> points = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      int x = i;
      s.value().apply(rows.get(i)).ifPresent(v -> points.add(new double[] {x, v}));
    }
    StringBuilder h = new StringBuilder("<figure><figcaption>").append(Html.esc(s.title())).append(": ");
    if (points.isEmpty()) {
      return h.append("<span class=\"muted\">no value yet</span></figcaption></figure>").toString();
    }
    double latest = points.get(points.size() - 1)[1];
    h.append("<b>").append(format(latest)).append(' ').append(Html.esc(s.unit())).append("</b></figcaption>");
    double lo = points.stream().mapToDouble(p -> p[1]).min().orElse(0);
    double hi = points.stream().mapToDouble(p -> p[1]).max().orElse(0);
    if (s.target().isPresent()) {
      lo = Math.min(lo, s.target().get());
      hi = Math.max(hi, s.target().get());
    }
    double span = hi - lo == 0 ? 1 : hi - lo;
    int last = Math.max(1, rows.size() - 1);
    double low = lo;
    Function<double[], String> xy = p -> format(PAD + p[0] * (WIDTH - 2 * PAD) / last) + ","
        + format(HEIGHT - PAD - (p[1] - low) * (HEIGHT - 2 * PAD) / span);
    h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
        .append(HEIGHT).append("\" role=\"img\" aria-label=\"").append(Html.esc(s.title())).append("\">")
        .append("<rect width=\"100%\" height=\"100%\" fill=\"#fbfcfd\" stroke=\"#dde3ea\"/>");
    s.target().ifPresent(t -> {
      String y = xy.apply(new double[] {0, t}).split(",")[1];
      h.append("<line x1=\"").append(PAD).append("\" x2=\"").append(WIDTH - PAD).append("\" y1=\"").append(y)
          .append("\" y2=\"").append(y).append("\" stroke=\"#b3261e\" stroke-dasharray=\"4 3\"/>");
    });
    h.append("<polyline fill=\"none\" stroke=\"#2a5db0\" stroke-width=\"2\" points=\"");
    points.forEach(p -> h.append(xy.apply(p)).append(' '));
    h.append("\"/>");
    double[] end = points.get(points.size() - 1);
    String[] at = xy.apply(end).split(",");
    h.append("<circle cx=\"").append(at[0]).append("\" cy=\"").append(at[1]).append("\" r=\"3\" fill=\"#2a5db0\"/>")
        .append("<text x=\"").append(PAD).append("\" y=\"12\" font-size=\"10\" fill=\"#667\">max ")
        .append(format(hi)).append("</text><text x=\"").append(PAD).append("\" y=\"").append(HEIGHT - 2)
        .append("\" font-size=\"10\" fill=\"#667\">min ").append(format(lo)).append("</text></svg></figure>");
    return h.toString();
  }

  private static String format(double v) {
    return Math.abs(v - Math.rint(v)) < 1e-9 ? Long.toString(Math.round(v)) : String.format(Locale.ROOT, "%.2f", v);
  }
}
