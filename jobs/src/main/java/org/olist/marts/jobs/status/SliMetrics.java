package org.olist.marts.jobs.status;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.exporter.pushgateway.PushGateway;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.Consumer;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.config.OlistConfig;

/**
 * The SLIs of a run as Prometheus metrics ({@code olist_marts_*}, base units), built with the Prometheus Java
 * client: written atomically as a textfile for node_exporter's textfile collector, and pushed to a Pushgateway
 * grouped by run id. Every value is a gauge of the latest run; the timestamps let an alert compute freshness with
 * {@code time() - olist_marts_pipeline_last_success_timestamp_seconds} even when runs stop coming.
 */
final class SliMetrics {
  static final String PREFIX = "olist_marts_";
  static final String PUSH_JOB = "olist_marts";
  private final PrometheusRegistry registry = new PrometheusRegistry();

  SliMetrics(ServiceLevels sli, OlistConfig.Slo slo) {
    sli.lastSuccessAt().ifPresent(t ->
        gauge("pipeline_last_success_timestamp_seconds", "Engineering clock: end of the last fully successful run.")
            .set(t.getEpochSecond()));
    sli.engineeringAgeSeconds().ifPresent(a ->
        gauge("engineering_age_seconds", "Age of the engineering clock when the status job ran.").set(a));
    sli.dataValidThrough().ifPresent(d ->
        gauge("data_valid_through_timestamp_seconds", "Business clock: the latest order date in the fact (midnight UTC).")
            .set(d.atStartOfDay(ZoneOffset.UTC).toEpochSecond()));
    sli.freshnessLagDays().ifPresent(d ->
        gauge("business_lag_seconds", "From the business clock to the status job's run.").set(d * 86_400.0));
    Gauge success = gauge("job_success_ratio", "Job attempts that succeeded / all attempts, over a window.", "window");
    sli.successRateLastRuns().ifPresent(r -> success.labelValues("last_" + sli.successWindowRuns() + "_runs").set(r));
    sli.successRateLastDays().ifPresent(r -> success.labelValues(slo.successWindowDays() + "d").set(r));
    sli.dataAccuracyRate().ifPresent(r ->
        gauge("data_accuracy_ratio", "Error-severity data tests that passed / all run.").set(r));
    gauge("error_tests", "Error-severity data tests run.").set(sli.errorTests());
    gauge("test_failing_rows", "Rows that failed a data test in the run.").set(sli.failingRows());
    Gauge rows = gauge("layer_rows", "Rows read (in) and written (out) per layer in the run.", "layer", "direction");
    sli.rowsIn().forEach((layer, n) -> rows.labelValues(layer, "in").set(n));
    sli.rowsOut().forEach((layer, n) -> rows.labelValues(layer, "out").set(n));
    set(gauge("table_storage_bytes", "Bytes on storage per table, unreferenced files until VACUUM included.",
        "table"), sli.tableBytes());
    set(gauge("table_storage_growth_bytes", "Growth of table_storage_bytes since the previous run.", "table"),
        sli.tableBytesGrowth());
    set(gauge("job_duration_seconds", "Duration of each job of the run.", "pipeline_job"), sli.jobSeconds());
    sli.factLoadSeconds().ifPresent(s ->
        gauge("fact_load_duration_seconds", "Duration of the run's fact load.").set(s));
    sli.lastBackfillSeconds().ifPresent(s ->
        gauge("backfill_duration_seconds", "Duration of the latest backfill of the fact.").set(s));
    Gauge breached = gauge("slo_breached", "1 when the run breaches the SLO, else 0.", "slo");
    for (SloBreach.Objective o : SloBreach.Objective.values()) {
      breached.labelValues(o.label()).set(sli.sloBreaches().stream().anyMatch(b -> b.objective() == o) ? 1 : 0);
    }
    gauge("slo_engineering_age_max_seconds", "SLO: the engineering clock is younger than this.")
        .set(slo.maxEngineeringAge().toSeconds());
  }

  private Gauge gauge(String name, String help, String... labels) {
    return Gauge.builder().name(PREFIX + name).help(help).labelNames(labels).register(registry);
  }

  private static <N extends Number> void set(Gauge gauge, Map<String, N> values) {
    values.forEach((label, v) -> gauge.labelValues(label).set(v.doubleValue()));
  }

  /** The metrics in the Prometheus text exposition format. */
  String text() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private void write(OutputStream out) {
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
    } catch (IOException e) {
      throw new OlistException("Cannot format the SLI metrics: " + e.getMessage(), e);
    }
  }

  /**
   * Writes the textfile beside its final name and renames it into place, so that node_exporter never reads half a
   * file.
   */
  void writeTextfile(String file) {
    Path target = Path.of(file).toAbsolutePath();
    try {
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
      try {
        Files.writeString(tmp, text(), StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new OlistException("Cannot write the metrics textfile " + target + ": " + e.getMessage(), e);
    }
  }

  /** Replaces the run's group on the Pushgateway at {@code address} (host:port) with these metrics. */
  void push(String address, String runId) {
    try {
      PushGateway.builder().address(address).job(PUSH_JOB).groupingKey("run_id", runId).registry(registry)
          .connectionTimeout(Duration.ofSeconds(10)).readTimeout(Duration.ofSeconds(10)).build().push();
    } catch (IOException | RuntimeException e) {
      throw new OlistException("Cannot push the SLI metrics to the Pushgateway at " + address + ": "
          + OlistException.rootCause(e), e);
    }
  }

  /** Exports to where the configuration says; each failure reported to {@code warn}, never failing the run. */
  void export(OlistConfig.Metrics where, String runId, Consumer<String> warn) {
    where.textfile().ifPresent(f -> attempt(() -> writeTextfile(f), warn));
    where.pushgateway().ifPresent(a -> attempt(() -> push(a, runId), warn));
  }

  private static void attempt(Runnable export, Consumer<String> warn) {
    try {
      export.run();
    } catch (OlistException e) {
      warn.accept(e.getMessage());
    }
  }
}
