package org.olist.marts.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.OlistException;

class OlistConfigTest {
  @TempDir
  Path dir;

  @Test
  void layersDefaultsFileAndCommandLine() throws IOException {
    Path env = Files.writeString(dir.resolve("env.conf"),
        "olist { warehouse = \"/from/file\", spark { shuffle-partitions = 3 } }");
    OlistConfig c = JobOptions.parse(new String[] {"--conf", env.toString(), "--input", "/in/", "--full-refresh",
        "--from", "2018-01-01", "--to", "2018-01-31", "--set", "olist.incremental.lookback-days=5"}, Set.of())
        .toConfig();
    assertEquals("/in", c.input());
    assertEquals("/from/file", c.warehouse());
    assertEquals(3, c.shufflePartitions());
    assertTrue(c.fullRefresh());
    assertEquals(LocalDate.of(2018, 1, 1), c.backfillFrom().orElseThrow());
    assertEquals(5, c.lookbackDays());
    assertTrue(c.runId().matches("\\d{8}T\\d{6}Z-[0-9a-f]{8}"), c.runId());
  }

  @Test
  void refusesAnUnknownKeyNamingIt() throws IOException {
    Path env = Files.writeString(dir.resolve("typo.conf"), "olist { spark { shufle-partitions = 3 } }");
    OlistException e = assertThrows(OlistException.class, () -> OlistConfig.load(env.toString(), Map.of()));
    assertTrue(e.getMessage().startsWith("Unknown configuration key 'olist.spark.shufle-partitions'"),
        e.getMessage());
    OlistException root = assertThrows(OlistException.class,
        () -> OlistConfig.load(null, Map.of("spark.master", "x")));
    assertTrue(root.getMessage().contains("'spark'"), root.getMessage());
  }

  @Test
  void refusesAMissingOrEmptyRequiredKey() {
    OlistException e = assertThrows(OlistException.class,
        () -> OlistConfig.load(null, Map.of(OlistConfig.WAREHOUSE, " ")));
    assertTrue(e.getMessage().startsWith("Missing configuration key 'olist.warehouse'"), e.getMessage());
  }

  @Test
  void refusesWrongTypesAndValues() {
    assertThrows(OlistException.class, () -> OlistConfig.load(null, Map.of(OlistConfig.SHUFFLE_PARTITIONS, "many")));
    OlistException date = assertThrows(OlistException.class,
        () -> OlistConfig.load(null, Map.of(OlistConfig.BACKFILL_FROM, "2018-13-01")));
    assertTrue(date.getMessage().contains("olist.backfill.from"), date.getMessage());
    OlistException mode = assertThrows(OlistException.class,
        () -> OlistConfig.load(null, Map.of(OlistConfig.INCREMENTAL_MODE, "stream")));
    assertTrue(mode.getMessage().contains("snapshot or append"), mode.getMessage());
  }

  @Test
  void refusesUnknownOptionsAndAMissingFile() {
    OlistException opt = assertThrows(OlistException.class,
        () -> JobOptions.parse(new String[] {"--inptu", "x"}, Set.of()));
    assertTrue(opt.getMessage().contains("unknown option '--inptu'"));
    OlistException file = assertThrows(OlistException.class,
        () -> OlistConfig.load(dir.resolve("nope.conf").toString(), Map.of()));
    assertTrue(file.getMessage().contains("nope.conf' does not exist"));
  }

  @Test
  void shippedEnvironmentFilesAreValid() {
    Path conf = Path.of("").toAbsolutePath().getParent().resolve("conf");
    assertEquals(4, OlistConfig.load(conf.resolve("local.conf").toString(), Map.of()).shufflePartitions());
    OlistConfig cluster = OlistConfig.load(conf.resolve("cluster.conf").toString(),
        Map.of(OlistConfig.INPUT, "s3a://b/raw", OlistConfig.WAREHOUSE, "s3a://b/wh"));
    assertEquals("s3a://b/wh", cluster.warehouse());
  }
}
