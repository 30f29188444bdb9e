package org.olist.marts.common.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.config.OlistConfig;

class SparkSessionsTest {
  @TempDir
  Path dir;

  private OlistConfig config(String codegen, long belowMb) {
    return OlistConfig.load(null, Map.of(OlistConfig.INPUT, dir.toString(), OlistConfig.WAREHOUSE,
        dir.resolve("wh").toString(), OlistConfig.CODEGEN, codegen, OlistConfig.SMALL_INPUT_MB, belowMb));
  }

  @Test
  void aRunIsSmallBelowTheThreshold() throws IOException {
    Files.write(dir.resolve("olist_orders_dataset.csv"), new byte[2 * 1024 * 1024]);
    assertTrue(SparkSessions.small(config("auto", 3), new SparkConf()));
    assertFalse(SparkSessions.small(config("auto", 2), new SparkConf()));
  }

  @Test
  void autoCompilesUnlessTheRunIsSmall() {
    assertFalse(SparkSessions.codegen(config("auto", 32), true));
    assertTrue(SparkSessions.codegen(config("auto", 32), false));
  }

  @Test
  void onAndOffAreTakenAsConfigured() {
    assertTrue(SparkSessions.codegen(config("on", 32), true));
    assertFalse(SparkSessions.codegen(config("off", 32), false));
  }

  @Test
  void interpretedSwitchesOffWholeStageAndExpressionCodegen() {
    SparkConf conf = SparkSessions.interpreted(new SparkConf(false));
    assertEquals("false", conf.get("spark.sql.codegen.wholeStage"));
    assertEquals("NO_CODEGEN", conf.get("spark.sql.codegen.factoryMode"));
  }

  @Test
  void aSmallRunShufflesIntoOnePartitionPlannedOnceAndKeepsDeltaStateInOne() {
    SparkConf conf = SparkSessions.smallRun(SparkSessions.baseConf(8));
    assertEquals("1", conf.get("spark.sql.shuffle.partitions"));
    assertEquals("false", conf.get("spark.sql.adaptive.enabled"));
    assertEquals("1", conf.get("spark.databricks.delta.snapshotPartitions"));
    assertEquals("8", SparkSessions.baseConf(8).get("spark.sql.shuffle.partitions"));
  }

  @Test
  void cachedResultsAreUncompressedUnlessTheUserSaysOtherwise() {
    String key = "spark.sql.inMemoryColumnarStorage.compressed";
    assertEquals("false", SparkSessions.baseConf(2).get(key));
    System.setProperty(key, "true");
    try {
      assertEquals("true", SparkSessions.baseConf(2).get(key));
    } finally {
      System.clearProperty(key);
    }
  }

  @Test
  void refusesAnUnknownModeNamingTheKey() {
    OlistException e = assertThrows(OlistException.class, () -> config("sometimes", 1));
    assertTrue(e.getMessage().contains(OlistConfig.CODEGEN) && e.getMessage().contains("sometimes"), e.getMessage());
  }
}
