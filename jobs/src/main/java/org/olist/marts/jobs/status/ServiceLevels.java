package org.olist.marts.jobs.status;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.jobs.status.SloBreach.Objective;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The mart's service level indicators for one run (issue 19: freshness, job success rate, data accuracy, rows per
 * layer, storage and its growth, durations) and the SLO targets they breach; a row of {@code audit/sli}. Computed
 * from the audit trail by {@link #compute}, a pure function, so that a hand-built history tests it.
 */
public record ServiceLevels(String runId, Instant computedAt, Optional<Instant> lastSuccessAt,
                            Optional<LocalDate> dataValidThrough, Optional<Double> successRateLastRuns,
                            int successWindowRuns, Optional<Double> successRateLastDays, int errorTests,
                            int errorTestsPassed, long failingRows, Map<String, Long> rowsIn,
                            Map<String, Long> rowsOut, Map<String, Long> tableBytes, Map<String, Long> tableBytesGrowth,
                            Map<String, Double> jobSeconds, Optional<Double> factLoadSeconds,
                            Optional<Double> lastBackfillSeconds, List<SloBreach> sloBreaches) {

  /** This run's data tests, tallied. */
  public record TestTally(int errorTests, int errorTestsPassed, long failingRows) {
    public static final TestTally NONE = new TestTally(0, 0, 0);
  }

  /** What the status job knows of the run besides the job audit: its clocks, test tally and table sizes. */
  public record RunFacts(String runId, Instant now, Optional<Instant> lastSuccessAt,
                         Optional<LocalDate> dataValidThrough, TestTally tests, Optional<String> unrecordedFailedJob,
                         Map<String, Long> tableBytes, Map<String, Long> previousTableBytes) {
  }

  public static ServiceLevels compute(RunFacts run, List<AttemptPart> parts, OlistConfig.Slo slo) {
    Map<String, Attempt> attempts = attempts(parts);
    run.unrecordedFailedJob().filter(job -> attempts.values().stream()
            .noneMatch(a -> a.runId.equals(run.runId()) && a.job.equals(job) && a.failed))
        .ifPresent(job -> attempts.put(run.runId() + "/" + job + "/unrecorded",
            new Attempt(run.runId(), job, run.now(), run.now(), true)));

    // the last N runs, by when their latest attempt ended
    Map<String, Instant> runEnds = new LinkedHashMap<>();
    attempts.values().forEach(a -> runEnds.merge(a.runId, a.ended, (x, y) -> x.isAfter(y) ? x : y));
    Set<String> lastRuns = runEnds.entrySet().stream()
        .sorted(Map.Entry.<String, Instant>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(slo.successWindowRuns()).map(Map.Entry::getKey).collect(Collectors.toSet());
    Optional<Double> lastRunsRate = rate(attempts.values().stream().filter(a -> lastRuns.contains(a.runId)).toList());
    Instant since = run.now().minus(Duration.ofDays(slo.successWindowDays()));
    Optional<Double> lastDaysRate = rate(attempts.values().stream().filter(a -> !a.started.isBefore(since)).toList());

    Map<String, Long> rowsIn = new TreeMap<>();
    Map<String, Long> rowsOut = new TreeMap<>();
    Map<String, Double> jobSeconds = new TreeMap<>();
    Optional<Long> factMillis = Optional.empty();
    for (AttemptPart p : parts) {
      if (p.runId().equals(run.runId())) {
        p.layer().ifPresent(layer -> {
          rowsIn.merge(layer, p.rowsIn(), Long::sum);
          rowsOut.merge(layer, p.rowsOut(), Long::sum);
        });
        factMillis = p.factLoadMillis().isPresent() ? p.factLoadMillis() : factMillis;
      }
    }
    attempts.values().stream().filter(a -> a.runId.equals(run.runId())).forEach(a ->
        jobSeconds.merge(a.job, seconds(Duration.between(a.started, a.ended).toMillis()), Double::sum));
    Optional<Double> lastBackfill = parts.stream().filter(p -> p.backfillMillis().isPresent())
        .max(Comparator.comparing(AttemptPart::ended)).map(p -> seconds(p.backfillMillis().get()));

    Map<String, Long> growth = new TreeMap<>();
    run.tableBytes().forEach((t, b) -> growth.put(t, b - run.previousTableBytes().getOrDefault(t, 0L)));

    ServiceLevels levels = new ServiceLevels(run.runId(), run.now(), run.lastSuccessAt(), run.dataValidThrough(),
        lastRunsRate, lastRuns.size(), lastDaysRate, run.tests().errorTests(), run.tests().errorTestsPassed(),
        run.tests().failingRows(), rowsIn, rowsOut, new TreeMap<>(run.tableBytes()), growth, jobSeconds,
        factMillis.map(ServiceLevels::seconds), lastBackfill, List.of());
    return levels.withBreaches(levels.breaches(slo));
  }

  private ServiceLevels withBreaches(List<SloBreach> breaches) {
    return new ServiceLevels(runId, computedAt, lastSuccessAt, dataValidThrough, successRateLastRuns,
        successWindowRuns, successRateLastDays, errorTests, errorTestsPassed, failingRows, rowsIn, rowsOut,
        tableBytes, tableBytesGrowth, jobSeconds, factLoadSeconds, lastBackfillSeconds, List.copyOf(breaches));
  }

  /** One job attempt: failed when any of its parts failed. */
  private record Attempt(String runId, String job, Instant started, Instant ended, boolean failed) {
    Attempt plus(Attempt o) {
      return new Attempt(runId, job, started.isBefore(o.started) ? started : o.started,
          ended.isAfter(o.ended) ? ended : o.ended, failed || o.failed);
    }
  }

  private static Map<String, Attempt> attempts(List<AttemptPart> parts) {
    Map<String, Attempt> out = new LinkedHashMap<>();
    for (AttemptPart p : parts) {
      out.merge(p.attempt(), new Attempt(p.runId(), p.job(), p.started(), p.ended(), p.failed()), Attempt::plus);
    }
    return out;
  }

  private static Optional<Double> rate(List<Attempt> attempts) {
    return attempts.isEmpty() ? Optional.empty()
        : Optional.of(attempts.stream().filter(a -> !a.failed).count() / (double) attempts.size());
  }

  private static double seconds(long millis) {
    return millis / 1000.0;
  }

  /** Seconds from the last fully successful run to when these were computed. */
  public Optional<Long> engineeringAgeSeconds() {
    return lastSuccessAt.map(t -> Duration.between(t, computedAt).toSeconds());
  }

  public Optional<Integer> freshnessLagDays() {
    return dataValidThrough.map(d -> (int) ChronoUnit.DAYS.between(d, LocalDate.ofInstant(computedAt, ZoneOffset.UTC)));
  }

  public Optional<Double> dataAccuracyRate() {
    return errorTests == 0 ? Optional.empty() : Optional.of(errorTestsPassed / (double) errorTests);
  }

  /** The SLO targets these indicators miss, each in words. */
  List<SloBreach> breaches(OlistConfig.Slo slo) {
    List<SloBreach> out = new ArrayList<>();
    Optional<Long> age = engineeringAgeSeconds();
    if (age.isEmpty()) {
      out.add(new SloBreach(Objective.ENGINEERING_CLOCK, "engineering clock: no fully successful run yet"));
    } else if (age.get() > slo.maxEngineeringAge().toSeconds()) {
      out.add(new SloBreach(Objective.ENGINEERING_CLOCK, String.format(Locale.ROOT,
          "engineering clock: last fully successful run %.1f h ago (SLO: under %.1f h)", age.get() / 3600.0,
          slo.maxEngineeringAge().toSeconds() / 3600.0)));
    }
    successRateLastDays.filter(r -> r < slo.minJobSuccessRate()).ifPresent(r -> out.add(new SloBreach(
        Objective.JOB_SUCCESS_RATE, String.format(Locale.ROOT, "job success rate %.1f %% over %d days (SLO: at least "
            + "%.1f %%)", 100 * r, slo.successWindowDays(), 100 * slo.minJobSuccessRate()))));
    dataAccuracyRate().filter(r -> r < slo.minDataAccuracyRate()).ifPresent(r -> out.add(new SloBreach(
        Objective.DATA_ACCURACY, String.format(Locale.ROOT, "data accuracy %.1f %% of error tests passed (SLO: at "
            + "least %.1f %%)", 100 * r, 100 * slo.minDataAccuracyRate()))));
    return out;
  }

  /** The row of {@code audit/sli}, in the catalog's column order. */
  Row toRow(TableModel model) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("run_id", runId);
    v.put("computed_at", Timestamp.from(computedAt));
    v.put("pipeline_last_run_at", lastSuccessAt.map(Timestamp::from).orElse(null));
    v.put("engineering_age_seconds", engineeringAgeSeconds().orElse(null));
    v.put("data_valid_through", dataValidThrough.map(Date::valueOf).orElse(null));
    v.put("freshness_lag_days", freshnessLagDays().orElse(null));
    v.put("job_success_rate_last_runs", successRateLastRuns.orElse(null));
    v.put("job_success_window_runs", successWindowRuns);
    v.put("job_success_rate_30d", successRateLastDays.orElse(null));
    v.put("error_tests", errorTests);
    v.put("error_tests_passed", errorTestsPassed);
    v.put("data_accuracy_rate", dataAccuracyRate().orElse(null));
    v.put("failing_rows", failingRows);
    v.put("rows_in", scalaMap(rowsIn));
    v.put("rows_out", scalaMap(rowsOut));
    v.put("table_bytes", scalaMap(tableBytes));
    v.put("table_bytes_growth", scalaMap(tableBytesGrowth));
    v.put("job_seconds", scalaMap(jobSeconds));
    v.put("fact_load_seconds", factLoadSeconds.orElse(null));
    v.put("last_backfill_seconds", lastBackfillSeconds.orElse(null));
    v.put("slo_breaches", CollectionConverters.asScala(sloBreaches.stream().map(SloBreach::words).toList()).toSeq());
    return RowFactory.create(model.columns().stream().map(c -> v.get(c.name())).toArray());
  }

  private static <V> scala.collection.Map<String, V> scalaMap(Map<String, V> map) {
    return CollectionConverters.asScala(map);
  }
}
