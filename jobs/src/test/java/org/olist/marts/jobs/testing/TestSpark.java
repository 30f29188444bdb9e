package org.olist.marts.jobs.testing;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.spark.SparkSessions;

/**
 * The one SparkSession of the test JVM (lazy holder): local[2], UI off, Delta on, set up as a small local run is (no
 * code generation, one partition per shuffle and for a table's snapshot state, local files through
 * NioLocalFileSystem).
 */
public final class TestSpark {
  private TestSpark() {
  }

  private static final class Holder {
    static final SparkSession SPARK = SparkSession.builder()
        // tiny frames: as a small run (scripts/cluster-test.sh compares a compiled run with a small one)
        .config(SparkSessions.nioLocalFiles(
                SparkSessions.smallRun(SparkSessions.interpreted(SparkSessions.baseConf(1))))
            .setMaster("local[2]")
            .setAppName("olist-marts-tests")
            .set("spark.ui.enabled", "false")
            .set("spark.sql.sources.parallelPartitionDiscovery.parallelism", "2")
            .set("spark.driver.host", "127.0.0.1")
            .set("spark.driver.bindAddress", "127.0.0.1"))
        .getOrCreate();

    static {
      SPARK.sparkContext().setLogLevel("WARN");
    }
  }

  public static SparkSession spark() {
    return Holder.SPARK;
  }

  /** Configuration for a job run in a test: input and warehouse under the test's temp dir. */
  public static OlistConfig config(String input, Path warehouse, Map<String, Object> more) {
    Map<String, Object> overrides = new LinkedHashMap<>();
    overrides.put(OlistConfig.INPUT, input);
    overrides.put(OlistConfig.WAREHOUSE, warehouse.toString());
    overrides.put(OlistConfig.RUN_ID, "test-run");
    overrides.put(OlistConfig.UI_ENABLED, false);
    // jobs of one test JVM never race for a warehouse: no read-back wait
    overrides.put(OlistConfig.LEASE_VERIFY_MILLIS, 0);
    overrides.putAll(more);
    return OlistConfig.load(null, overrides);
  }

  public static OlistConfig config(String input, Path warehouse) {
    return config(input, warehouse, Map.of());
  }
}
