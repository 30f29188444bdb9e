package org.olist.marts.common.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.olist.marts.common.io.SideFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-partition prints (row count and a hash of the rows) of one version of a Delta table, kept beside that version
 * ({@code <table>/_prints/<version>.json}, a folder Delta, VACUUM and Trino ignore) by the writer of the version, so
 * the next writer compares its new rows with a small file instead of scanning the table. Used by the fact and the
 * order lines (month prints), the secured copies (copy prints) and the maintain job (a compaction carries them on).
 *
 * <p>One rule decides whether prints may be kept: prints computed from what a version holds describe it whatever
 * came before ({@link #keep}); prints derived from those of the version a writer read, plus its own change, describe
 * its commit only when that commit directly follows the version read ({@link #keepIfNext}). A file names the exact
 * version it describes: one that is missing, unreadable or for another version only means the next writer scans.
 */
public final class KeptPrints {
  public static final String DIR = "_prints";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(KeptPrints.class);

  private KeptPrints() {
  }

  /** One partition's print (the whole table is partition {@code ""}): its rows and a hash of them. */
  public record Print(long rows, String hash) {
  }

  /** The prints kept for {@code version} of the table, if there are any and they can be read. */
  public static Optional<SortedMap<String, Print>> read(SparkSession spark, String tablePath, long version) {
    String file = SideFiles.versioned(tablePath, DIR, version);
    try {
      Optional<String> json = SideFiles.read(file, spark.sessionState().newHadoopConf());
      return json.isEmpty() ? Optional.empty() : Optional.of(fromJson(json.get(), version));
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot read the prints {}: {} (scanning instead)", file, e.toString());
      return Optional.empty();
    }
  }

  /**
   * Keeps prints computed from what {@code version} holds (a rebuild, a scan of the version) and removes those of
   * other versions. A failure is logged, not thrown: the table is written already, and the next writer scans.
   */
  public static void keep(SparkSession spark, String tablePath, long version, Map<String, Print> prints) {
    try {
      SideFiles.keepVersioned(tablePath, DIR, version, toJson(version, prints), spark.sessionState().newHadoopConf());
      LOG.info("Kept the prints of {} version {} ({} partitions)", tablePath, version, prints.size());
    } catch (IOException e) {
      LOG.warn("Cannot keep the prints of {} version {}: {} (the next writer scans instead)", tablePath, version,
          e.toString());
    }
  }

  /**
   * Keeps prints derived from those of {@code versionRead} and the writer's own change as the prints of
   * {@code written}, when that commit directly follows the version read; otherwise another writer committed in
   * between, the prints would not describe {@code written}, and none are kept. Returns whether they were.
   */
  public static boolean keepIfNext(SparkSession spark, String tablePath, long versionRead, long written,
                                   Map<String, Print> prints) {
    if (written != versionRead + 1) {
      LOG.warn("Cannot keep the prints of {} version {}: it does not directly follow version {} they were derived "
          + "from (another writer?); the next writer scans", tablePath, written, versionRead);
      return false;
    }
    keep(spark, tablePath, written, prints);
    return true;
  }

  /**
   * A commit that changed no row (a compaction): the prints kept for {@code versionRead} describe {@code written}
   * too, when it directly follows.
   */
  public static void carryOver(SparkSession spark, String tablePath, long versionRead, long written) {
    read(spark, tablePath, versionRead).ifPresent(p -> keepIfNext(spark, tablePath, versionRead, written, p));
  }

  static String toJson(long version, Map<String, Print> prints) {
    ObjectNode root = JSON.createObjectNode();
    root.put("table_version", version);
    ObjectNode partitions = root.putObject("partitions");
    prints.forEach((p, print) -> partitions.putObject(p).put("rows", print.rows()).put("hash", print.hash()));
    return root.toString();
  }

  static SortedMap<String, Print> fromJson(String json, long version) throws IOException {
    JsonNode root = JSON.readTree(json);
    if (root == null || root.path("table_version").asLong(-1) != version || !root.path("partitions").isObject()) {
      throw new IOException("not the prints of version " + version);
    }
    SortedMap<String, Print> out = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = root.get("partitions").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode p = e.getValue();
      if (!p.path("rows").isIntegralNumber() || !p.path("hash").isTextual()) {
        throw new IOException("partition " + e.getKey() + " lacks rows or hash");
      }
      out.put(e.getKey(), new Print(p.get("rows").asLong(), p.get("hash").asText()));
    }
    return out;
  }
}
