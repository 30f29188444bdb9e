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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a SparkSession is built: Delta extensions, UTC session time zone (source timestamps are
 * Brazil wall-clock values kept as they are), adaptive execution, shuffle partitions sized to the data, and code
 * generation only where the input is large enough to pay for compiling it.
 */
public final class SparkSessions {
  public static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
  public static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";
  private static final String WHOLE_STAGE_CODEGEN = "spark.sql.codegen.wholeStage";
  /** Spark's switch between compiled and interpreted expressions (projections, predicates, orderings). */
  private static final String CODEGEN_FACTORY_MODE = "spark.sql.codegen.factoryMode";
  private static final long MIB = 1024L * 1024L;
  private static final Logger LOG = LoggerFactory.getLogger(SparkSessions.class);

  private SparkSessions() {
  }

  /** Settings every job and test session shares. */
  public static SparkConf baseConf(int shufflePartitions) {
    return new SparkConf()
        .set("spark.sql.extensions", DELTA_EXTENSION)
        .set("spark.sql.catalog.spark_catalog", DELTA_CATALOG)
        .set("spark.sql.session.timeZone", "UTC")
        .set("spark.sql.shuffle.partitions", Integer.toString(shufflePartitions))
        .set("spark.sql.adaptive.enabled", "true")
        .set("spark.sql.adaptive.coalescePartitions.enabled", "true")
        .set("spark.sql.sources.partitionOverwriteMode", "static")
        .set("spark.databricks.delta.snapshotPartitions", Integer.toString(Math.max(1, shufflePartitions)))
        .set("spark.sql.legacy.timeParserPolicy", "CORRECTED");
  }

  /**
   * Spark without code generation: operators and expressions are interpreted, so no query pays for compiling
   * its generated classes (the same results; what Spark falls back to whenever generated code does not compile).
   */
  public static SparkConf interpreted(SparkConf conf) {
    return conf.set(WHOLE_STAGE_CODEGEN, "false").set(CODEGEN_FACTORY_MODE, "NO_CODEGEN");
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
    if (!codegen(config, conf)) {
      interpreted(conf);
    }
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    spark.sparkContext().setLogLevel(config.logLevel());
    return spark;
  }

  /** Whether the run compiles generated code: as configured, or by the size of its input. */
  static boolean codegen(OlistConfig config, SparkConf conf) {
    if (config.codegen() != Codegen.AUTO) {
      LOG.info("Spark code generation {} ({} = {})", config.codegen().value(), OlistConfig.CODEGEN,
          config.codegen().value());
      return config.codegen() == Codegen.ON;
    }
    long threshold = config.interpretedBelowMb() * MIB;
    Path input = new Path(config.input());
    try {
      FileSystem fs = input.getFileSystem(SparkHadoopUtil.get().newConfiguration(conf));
      long bytes = fs.exists(input) ? fs.getContentSummary(input).getLength() : 0L;
      boolean on = bytes >= threshold;
      LOG.info("Spark code generation {}: input {} holds {} MiB ({} = {})", on ? "on" : "off", input,
          String.format(Locale.ROOT, "%.1f", bytes / (double) MIB), OlistConfig.INTERPRETED_BELOW_MB,
          config.interpretedBelowMb());
      return on;
    } catch (IOException e) {
      LOG.warn("Spark code generation on: cannot measure input {} ({})", input, e.getMessage());
      return true;
    }
  }
}
