package org.olist.marts.common.spark;

import java.io.IOException;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.SparkSession;
import org.olist.marts.common.config.Codegen;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.delta.LeaseGuardedLogStore;
import org.olist.marts.common.io.NioLocalFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a SparkSession is built: Delta extensions, UTC session time zone (source timestamps are
 * Brazil wall-clock values kept as they are), adaptive execution and shuffle partitions sized to the data; for a
 * small input, no code generation (compiling would cost more than it saves) and one partition per shuffle and for
 * Delta's snapshot state.
 */
public final class SparkSessions {
  public static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
  public static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";
  private static final String WHOLE_STAGE_CODEGEN = "spark.sql.codegen.wholeStage";
  /** Spark's switch between compiled and interpreted expressions (projections, predicates, orderings). */
  private static final String CODEGEN_FACTORY_MODE = "spark.sql.codegen.factoryMode";
  /** Partitions of a Delta table's snapshot state (each read and commit of a table rebuilds or updates it). */
  private static final String DELTA_SNAPSHOT_PARTITIONS = "spark.databricks.delta.snapshotPartitions";
  private static final String SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions";
  private static final String ADAPTIVE = "spark.sql.adaptive.enabled";
  private static final String CACHE_COMPRESSED = "spark.sql.inMemoryColumnarStorage.compressed";
  private static final String HADOOP_PREFIX = "spark.hadoop.";
  private static final long MIB = 1024L * 1024L;
  private static final Logger LOG = LoggerFactory.getLogger(SparkSessions.class);

  private SparkSessions() {
  }

  /**
   * Settings every job and test session shares. A cached result is kept uncompressed unless the user sets
   * {@code spark.sql.inMemoryColumnarStorage.compressed}: Spark's column compression tries a dictionary of every
   * string column of each batch, and what a job caches (keys, parsed rows) is mostly unique values (a daily staging
   * run at SF 10 used 13 % less CPU without it).
   */
  public static SparkConf baseConf(int shufflePartitions) {
    SparkConf conf = new SparkConf();
    conf.setIfMissing(CACHE_COMPRESSED, "false");
    return leaseGuarded(conf)
        .set("spark.sql.extensions", DELTA_EXTENSION)
        .set("spark.sql.catalog.spark_catalog", DELTA_CATALOG)
        .set("spark.sql.session.timeZone", "UTC")
        .set(SHUFFLE_PARTITIONS, Integer.toString(shufflePartitions))
        .set(ADAPTIVE, "true")
        .set("spark.sql.adaptive.coalescePartitions.enabled", "true")
        .set("spark.sql.sources.partitionOverwriteMode", "static")
        .set(DELTA_SNAPSHOT_PARTITIONS, Integer.toString(Math.max(1, shufflePartitions)))
        .set("spark.sql.legacy.timeParserPolicy", "CORRECTED");
  }

  /**
   * Every Delta commit through {@link LeaseGuardedLogStore}, which checks the warehouse lease right before it (SPEC
   * §10); a log store the user set for a scheme is kept, wrapped.
   */
  static SparkConf leaseGuarded(SparkConf conf) {
    for (String scheme : LeaseGuardedLogStore.SCHEMES) {
      String key = "spark.delta.logStore." + scheme + ".impl";
      String own = conf.get(key, "");
      if (!own.isBlank() && !own.equals(LeaseGuardedLogStore.class.getName())) {
        conf.set(HADOOP_PREFIX + LeaseGuardedLogStore.delegateKey(scheme), own);
      }
      conf.set(key, LeaseGuardedLogStore.class.getName());
    }
    return conf;
  }

  /**
   * Spark without code generation: operators and expressions are interpreted, so no query pays for compiling
   * its generated classes (the same results; what Spark falls back to whenever generated code does not compile).
   */
  public static SparkConf interpreted(SparkConf conf) {
    return conf.set(WHOLE_STAGE_CODEGEN, "false").set(CODEGEN_FACTORY_MODE, "NO_CODEGEN");
  }

  /**
   * A small run: one partition for every shuffle, planned once (no adaptive re-planning, which has nothing to
   * coalesce), and for Delta's snapshot state (each read and commit of a table rebuilds or updates it). On a
   * small input each extra task or planning pass costs more than the few rows it handles.
   */
  public static SparkConf smallRun(SparkConf conf) {
    return conf.set(SHUFFLE_PARTITIONS, "1").set(ADAPTIVE, "false").set(DELTA_SNAPSHOT_PARTITIONS, "1");
  }

  /**
   * Local {@code file:} paths through {@link NioLocalFileSystem}: Hadoop's own starts a process for each permission
   * it sets (every file written) and each link status it reads (every Delta commit). For a local master only: a
   * cluster's executors keep the file systems their Hadoop configuration names.
   */
  public static SparkConf nioLocalFiles(SparkConf conf) {
    NioLocalFileSystem.KEYS.forEach((k, v) -> conf.set(HADOOP_PREFIX + k, v));
    return conf;
  }

  public static SparkSession create(OlistConfig config, String appName) {
    SparkConf conf = baseConf(config.shufflePartitions())
        .setAppName("olist-marts " + appName + " " + config.runId())
        .set("spark.ui.enabled", Boolean.toString(config.uiEnabled()));
    String master = config.sparkMaster();
    if (!master.isBlank()) {
      conf.setIfMissing("spark.master", master);
    }
    conf.setIfMissing("spark.master", "local[*]");
    if (conf.get("spark.master").startsWith("local")) {
      nioLocalFiles(conf);
    }
    boolean small = small(config, conf);
    if (!codegen(config, small)) {
      interpreted(conf);
    }
    if (small) {
      smallRun(conf);
    }
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    spark.sparkContext().setLogLevel(config.logLevel());
    return spark;
  }

  /**
   * Whether the run is small: its input files total less than {@code olist.spark.small-input-mb}; an input that
   * cannot be measured is not small.
   */
  static boolean small(OlistConfig config, SparkConf conf) {
    Path input = new Path(config.input());
    try {
      FileSystem fs = input.getFileSystem(SparkHadoopUtil.get().newConfiguration(conf));
      long bytes = fs.exists(input) ? fs.getContentSummary(input).getLength() : 0L;
      boolean small = bytes < config.smallInputMb() * MIB;
      LOG.info("Input {} holds {} MiB: {} run ({} = {})", input,
          String.format(Locale.ROOT, "%.1f", bytes / (double) MIB), small ? "a small" : "not a small",
          OlistConfig.SMALL_INPUT_MB, config.smallInputMb());
      return small;
    } catch (IOException e) {
      LOG.warn("Cannot measure input {}: not taken for a small run ({})", input, e.getMessage());
      return false;
    }
  }

  /** Whether the run compiles generated code: as configured, or (auto) unless the run is small. */
  static boolean codegen(OlistConfig config, boolean small) {
    boolean on = config.codegen() == Codegen.AUTO ? !small : config.codegen() == Codegen.ON;
    LOG.info("Spark code generation {} ({} = {})", on ? "on" : "off", OlistConfig.CODEGEN, config.codegen().value());
    return on;
  }
}
