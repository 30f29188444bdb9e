package org.olist.marts.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import java.io.File;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.lease.WarehouseLease;

/**
 * Typed view over the layered configuration: defaults ({@code conf/application.conf}, shipped in the jar),
 * an environment file, then command-line overrides. Keys that the defaults do not declare are refused, so a
 * typo never silently falls back to a default.
 */
public final class OlistConfig {
  public static final String DEFAULTS_RESOURCE = "conf/application.conf";

  public static final String INPUT = "olist.input";
  public static final String WAREHOUSE = "olist.warehouse";
  public static final String RUN_ID = "olist.run-id";
  public static final String FULL_REFRESH = "olist.full-refresh";
  public static final String BACKFILL_FROM = "olist.backfill.from";
  public static final String BACKFILL_TO = "olist.backfill.to";
  public static final String SPARK_MASTER = "olist.spark.master";
  public static final String SHUFFLE_PARTITIONS = "olist.spark.shuffle-partitions";
  public static final String UI_ENABLED = "olist.spark.ui-enabled";
  public static final String LOG_LEVEL = "olist.spark.log-level";
  public static final String CODEGEN = "olist.spark.codegen";
  public static final String SMALL_INPUT_MB = "olist.spark.small-input-mb";
  public static final String MAX_RAW_CHARS = "olist.staging.max-raw-chars";
  public static final String STAGING_PARALLELISM = "olist.staging.parallelism";
  public static final String INCREMENTAL_MODE = "olist.incremental.mode";
  public static final String LOOKBACK_DAYS = "olist.incremental.lookback-days";
  public static final String MAX_DELETED_FRACTION = "olist.incremental.max-deleted-fraction";
  public static final String CONFLICT_RETRIES = "olist.delta.conflict-retries";
  public static final String LEASE_ENABLED = "olist.lease.enabled";
  public static final String LEASE_TTL_SECONDS = "olist.lease.ttl-seconds";
  public static final String LEASE_VERIFY_MILLIS = "olist.lease.verify-millis";
  public static final String LEASE_KEEPER_PID = "olist.lease.keeper-pid";
  public static final String LEASE_ATTEMPT = "olist.lease.attempt";
  public static final String LEASE_RELEASE = "olist.lease.release";
  public static final String RLS_SEEDS = "olist.rls.seeds";
  public static final String TRINO_ADMIN = "olist.rls.trino-admin";
  public static final String RLS_PARALLELISM = "olist.rls.parallelism";
  public static final String RUN_RESULTS_FILE = "olist.test.run-results-file";
  public static final String TEST_PARALLELISM = "olist.test.parallelism";
  public static final String FAILED_JOB = "olist.status.failed-job";
  public static final String RUN_JOBS = "olist.status.run-jobs";
  public static final String VACUUM_RETENTION_HOURS = "olist.maintenance.vacuum-retention-hours";
  public static final String ALLOW_SHORT_RETENTION = "olist.maintenance.allow-short-retention";
  public static final String MIN_SMALL_FILES = "olist.maintenance.min-small-files";
  public static final String SMALL_FILE_BYTES = "olist.maintenance.small-file-bytes";
  public static final String CHECKPOINT_AFTER_COMMITS = "olist.maintenance.checkpoint-after-commits";
  public static final String MAINTENANCE_TABLES = "olist.maintenance.tables";
  public static final String SLO_MAX_ENGINEERING_AGE_HOURS = "olist.slo.max-engineering-age-hours";
  public static final String SLO_MIN_JOB_SUCCESS_RATE = "olist.slo.min-job-success-rate";
  public static final String SLO_MIN_DATA_ACCURACY_RATE = "olist.slo.min-data-accuracy-rate";
  public static final String SLO_SUCCESS_WINDOW_RUNS = "olist.slo.success-window-runs";
  public static final String SLO_SUCCESS_WINDOW_DAYS = "olist.slo.success-window-days";
  public static final String METRICS_TEXTFILE = "olist.metrics.textfile";
  public static final String METRICS_PUSHGATEWAY = "olist.metrics.pushgateway";
  public static final String DIM_DATE_START = "olist.dim-date.start";
  public static final String DIM_DATE_END = "olist.dim-date.end";

  private static final DateTimeFormatter RUN_ID_FORMAT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Config config;
  private final String runId;
  private final String input;
  private final String warehouse;
  private final boolean fullRefresh;
  private final Optional<LocalDate> backfillFrom;
  private final Optional<LocalDate> backfillTo;
  private final String sparkMaster;
  private final int shufflePartitions;
  private final Codegen codegen;
  private final long smallInputMb;
  private final boolean uiEnabled;
  private final String logLevel;
  private final int maxRawChars;
  private final int stagingParallelism;
  private final IncrementalMode incrementalMode;
  private final int lookbackDays;
  private final double maxDeletedFraction;
  private final int conflictRetries;
  private final boolean leaseEnabled;
  private final WarehouseLease.Terms leaseTerms;
  private final boolean leaseRelease;
  private final String rlsSeeds;
  private final String trinoAdmin;
  private final int rlsParallelism;
  private final String runResultsFile;
  private final int testParallelism;
  private final String failedJob;
  private final List<String> runJobs;
  private final Maintenance maintenance;
  private final Slo slo;
  private final Metrics metrics;
  private final LocalDate dimDateStart;
  private final LocalDate dimDateEnd;

  /** Reads and checks every setting once: a configuration that constructs is a valid one. */
  private OlistConfig(Config config) {
    this.config = config;
    try {
      String configured = config.getString(RUN_ID).trim();
      this.runId = configured.isEmpty()
          ? RUN_ID_FORMAT.format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 8)
          : configured;
      this.input = required(INPUT, "OLIST_INPUT or --input");
      this.warehouse = required(WAREHOUSE, "OLIST_WAREHOUSE or --warehouse");
      this.fullRefresh = config.getBoolean(FULL_REFRESH);
      this.backfillFrom = optionalDate(BACKFILL_FROM);
      this.backfillTo = optionalDate(BACKFILL_TO);
      this.sparkMaster = config.getString(SPARK_MASTER);
      this.shufflePartitions = config.getInt(SHUFFLE_PARTITIONS);
      this.codegen = choice(CODEGEN, Codegen.values());
      this.smallInputMb = nonNegative(SMALL_INPUT_MB);
      this.uiEnabled = config.getBoolean(UI_ENABLED);
      this.logLevel = config.getString(LOG_LEVEL);
      this.maxRawChars = config.getInt(MAX_RAW_CHARS);
      this.stagingParallelism = config.getInt(STAGING_PARALLELISM);
      this.incrementalMode = choice(INCREMENTAL_MODE, IncrementalMode.values());
      this.lookbackDays = config.getInt(LOOKBACK_DAYS);
      this.maxDeletedFraction = rate(MAX_DELETED_FRACTION);
      this.conflictRetries = config.getInt(CONFLICT_RETRIES);
      this.leaseEnabled = config.getBoolean(LEASE_ENABLED);
      this.leaseTerms = new WarehouseLease.Terms(Duration.ofSeconds(config.getLong(LEASE_TTL_SECONDS)),
          Duration.ofMillis(config.getLong(LEASE_VERIFY_MILLIS)), config.getLong(LEASE_KEEPER_PID),
          config.getString(LEASE_ATTEMPT));
      this.leaseRelease = config.getBoolean(LEASE_RELEASE);
      this.rlsSeeds = stripSlash(config.getString(RLS_SEEDS));
      this.trinoAdmin = config.getString(TRINO_ADMIN);
      if (trinoAdmin.isBlank()) {
        throw new OlistException("Cannot read " + TRINO_ADMIN
            + ": it is empty (the Trino user that reads the base marts)");
      }
      this.rlsParallelism = (int) positive(RLS_PARALLELISM);
      this.runResultsFile = config.getString(RUN_RESULTS_FILE);
      this.testParallelism = config.getInt(TEST_PARALLELISM);
      this.failedJob = config.getString(FAILED_JOB);
      this.runJobs = Arrays.stream(config.getString(RUN_JOBS).split(",")).map(String::trim)
          .filter(j -> !j.isEmpty()).toList();
      this.maintenance = new Maintenance(nonNegative(VACUUM_RETENTION_HOURS), config.getBoolean(ALLOW_SHORT_RETENTION),
          (int) nonNegative(MIN_SMALL_FILES), nonNegative(SMALL_FILE_BYTES), (int) nonNegative(CHECKPOINT_AFTER_COMMITS),
          Arrays.stream(config.getString(MAINTENANCE_TABLES).split(",")).map(String::trim).filter(t -> !t.isEmpty())
              .toList());
      this.slo = new Slo(Duration.ofMinutes(Math.round(config.getDouble(SLO_MAX_ENGINEERING_AGE_HOURS) * 60)),
          rate(SLO_MIN_JOB_SUCCESS_RATE), rate(SLO_MIN_DATA_ACCURACY_RATE), (int) positive(SLO_SUCCESS_WINDOW_RUNS),
          (int) positive(SLO_SUCCESS_WINDOW_DAYS));
      this.metrics = new Metrics(optionalText(METRICS_TEXTFILE), optionalText(METRICS_PUSHGATEWAY));
      this.dimDateStart = date(DIM_DATE_START);
      this.dimDateEnd = date(DIM_DATE_END);
    } catch (ConfigException e) {
      throw new OlistException("Invalid configuration: " + e.getMessage(), e);
    }
  }

  /** Defaults only (plus environment variables): what tests start from. */
  public static OlistConfig defaults() {
    return load(null, Map.of());
  }

  /**
   * Loads defaults, then {@code envFile} (may be null), then {@code overrides} (full keys such as
   * {@code olist.input}), and validates the result.
   */
  public static OlistConfig load(String envFile, Map<String, ?> overrides) {
    Config defaults = ConfigFactory.parseResources(OlistConfig.class.getClassLoader(), DEFAULTS_RESOURCE,
        ConfigParseOptions.defaults().setAllowMissing(false));
    Config env = ConfigFactory.empty();
    if (envFile != null && !envFile.isBlank()) {
      File file = new File(envFile);
      if (!file.isFile()) {
        throw new OlistException("Cannot read configuration: file '" + envFile + "' does not exist");
      }
      try {
        env = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw new OlistException("Cannot read configuration file '" + envFile + "': " + e.getMessage(), e);
      }
    }
    Map<String, Object> flat = new LinkedHashMap<>();
    overrides.forEach((k, v) -> flat.put(k, v));
    Config merged;
    Config reference;
    try {
      merged = ConfigFactory.parseMap(flat, "command line").withFallback(env).withFallback(defaults)
          .resolve(ConfigResolveOptions.defaults());
      reference = defaults.resolve();
    } catch (ConfigException e) {
      throw new OlistException("Cannot resolve configuration: " + e.getMessage(), e);
    }
    for (String root : merged.root().keySet()) {
      if (!reference.root().containsKey(root)) {
        throw new OlistException("Unknown configuration key '" + root + "' (only 'olist.*' keys are accepted)");
      }
    }
    for (Map.Entry<String, ConfigValue> e : merged.entrySet()) {
      if (!reference.hasPathOrNull(e.getKey())) {
        throw new OlistException("Unknown configuration key '" + e.getKey() + "' (from "
            + e.getValue().origin().description() + "); see conf/application.conf for the accepted keys");
      }
    }
    try {
      merged.checkValid(reference, "olist");
    } catch (ConfigException.ValidationFailed e) {
      throw new OlistException("Invalid configuration: " + e.getMessage(), e);
    }
    return new OlistConfig(merged);
  }

  private String required(String key, String hint) {
    String value = stripSlash(config.getString(key));
    if (value.isBlank()) {
      throw new OlistException("Missing configuration key '" + key + "': set it in the configuration file, " + hint);
    }
    return value;
  }

  public String input() {
    return input;
  }

  public String warehouse() {
    return warehouse;
  }

  public String runId() {
    return runId;
  }

  public boolean fullRefresh() {
    return fullRefresh;
  }

  public Optional<LocalDate> backfillFrom() {
    return backfillFrom;
  }

  public Optional<LocalDate> backfillTo() {
    return backfillTo;
  }

  public String sparkMaster() {
    return sparkMaster;
  }

  public int shufflePartitions() {
    return shufflePartitions;
  }

  public Codegen codegen() {
    return codegen;
  }

  /**
   * The input size (MiB) below which a run is small: one partition per shuffle and for Delta's snapshot state, and
   * Spark interpreted (with {@link Codegen#AUTO}).
   */
  public long smallInputMb() {
    return smallInputMb;
  }

  public boolean uiEnabled() {
    return uiEnabled;
  }

  public String logLevel() {
    return logLevel;
  }

  public int maxRawChars() {
    return maxRawChars;
  }

  public int stagingParallelism() {
    return stagingParallelism;
  }

  public IncrementalMode incrementalMode() {
    return incrementalMode;
  }

  public int lookbackDays() {
    return lookbackDays;
  }

  /** The share of the fact's lines a snapshot may lack (they are deleted) before the load is refused. */
  public double maxDeletedFraction() {
    return maxDeletedFraction;
  }

  public int conflictRetries() {
    return conflictRetries;
  }

  public boolean leaseEnabled() {
    return leaseEnabled;
  }

  public WarehouseLease.Terms leaseTerms() {
    return leaseTerms;
  }

  public boolean leaseRelease() {
    return leaseRelease;
  }

  public String rlsSeeds() {
    return rlsSeeds;
  }

  /** The Trino user that may read the base marts; every other user reads only their access set's copies. */
  public String trinoAdmin() {
    return trinoAdmin;
  }

  public String runResultsFile() {
    return runResultsFile;
  }

  /** Secured copies written at the same time (each a table of its own). */
  public int rlsParallelism() {
    return rlsParallelism;
  }

  /** Data tests run at the same time. */
  public int testParallelism() {
    return testParallelism;
  }

  /** Set by the orchestrator when a job of the run failed, so that the status job records the attempt. */
  public String failedJob() {
    return failedJob;
  }

  /**
   * The jobs of this run, as the orchestrator selected them; empty when not known (a job submitted by hand). The
   * engineering clock moves only for a run that contained every job of the default pipeline.
   */
  public List<String> runJobs() {
    return runJobs;
  }

  /** What the maintain job does to each table, and to which ({@code tables}, as {@code <layer>/<table>}; empty: all). */
  public record Maintenance(long vacuumRetentionHours, boolean allowShortRetention, int minSmallFiles,
                            long smallFileBytes, int checkpointAfterCommits, List<String> tables) {
  }

  public Maintenance maintenance() {
    return maintenance;
  }

  /** The service level objectives the status job checks. */
  public record Slo(Duration maxEngineeringAge, double minJobSuccessRate, double minDataAccuracyRate,
                    int successWindowRuns, int successWindowDays) {
  }

  public Slo slo() {
    return slo;
  }

  /** Where the status job exports the SLIs: a textfile for node_exporter, a Pushgateway's host:port. */
  public record Metrics(Optional<String> textfile, Optional<String> pushgateway) {
  }

  public Metrics metrics() {
    return metrics;
  }

  public LocalDate dimDateStart() {
    return dimDateStart;
  }

  public LocalDate dimDateEnd() {
    return dimDateEnd;
  }

  /** The underlying config, for keys read in one place only. */
  public Config raw() {
    return config;
  }

  /** The constant of a closed set that the key names in lower case; any other word refused, listing them. */
  private <E extends Enum<E>> E choice(String key, E[] values) {
    String value = config.getString(key);
    List<String> words = Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList();
    int found = words.indexOf(value);
    if (found < 0) {
      throw new OlistException("Invalid configuration key '" + key + "': '" + value + "' (expected "
          + String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1) + ")");
    }
    return values[found];
  }

  private long positive(String key) {
    return atLeast(key, 1, "is not positive");
  }

  private double rate(String key) {
    double value = config.getDouble(key);
    if (value < 0 || value > 1) {
      throw new OlistException("Invalid configuration key '" + key + "': " + value + " is not a rate between 0 and 1");
    }
    return value;
  }

  private Optional<String> optionalText(String key) {
    String value = config.getString(key).trim();
    return value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  private long nonNegative(String key) {
    return atLeast(key, 0, "is negative");
  }

  private long atLeast(String key, long min, String otherwise) {
    long value = config.getLong(key);
    if (value < min) {
      throw new OlistException("Invalid configuration key '" + key + "': " + value + " " + otherwise);
    }
    return value;
  }

  private Optional<LocalDate> optionalDate(String key) {
    String value = config.getString(key).trim();
    return value.isEmpty() ? Optional.empty() : Optional.of(date(key));
  }

  private LocalDate date(String key) {
    String value = config.getString(key).trim();
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new OlistException("Invalid configuration key '" + key + "': '" + value + "' is not a date (yyyy-MM-dd)");
    }
  }

  private static String stripSlash(String path) {
    String p = path.trim();
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }
}
