package org.olist.marts.common.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.olist.marts.common.config.OlistConfig;

/**
 * The one place a SparkSession is built: Delta extensions, UTC session time zone (source timestamps are
 * Brazil wall-clock values kept as they are), adaptive execution and shuffle partitions sized to the data.
 */
public final class SparkSessions {
  public static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
  public static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";

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

  public static SparkSession create(OlistConfig config, String appName) {
    SparkConf conf = baseConf(config.shufflePartitions())
        .setAppName("olist-marts " + appName + " " + config.runId())
        .set("spark.ui.enabled", Boolean.toString(config.uiEnabled()));
    String master = config.sparkMaster();
    if (!master.isBlank()) {
      conf.setIfMissing("spark.master", master);
    }
    conf.setIfMissing("spark.master", "local[*]");
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    spark.sparkContext().setLogLevel(config.logLevel());
    return spark;
  }
}
