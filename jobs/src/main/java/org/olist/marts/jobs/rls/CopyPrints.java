package org.olist.marts.jobs.rls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.olist.marts.common.io.SideFiles;
import org.olist.marts.jobs.rls.SecuredCopies.Print;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prints of a secured copy's version, kept beside it ({@code _copy_prints/<version>.json}) by the run that wrote
 * it, so the next run compares the new rows with two small files instead of scanning every copy. A file names the
 * exact version it describes: one that is missing, unreadable or for another version means the copy is scanned.
 */
final class CopyPrints {
  static final String DIR = "_copy_prints";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(CopyPrints.class);

  private CopyPrints() {
  }

  /** Keeps {@code prints} as those of {@code version} of the copy; a failure only means the next run scans. */
  static void write(SparkSession spark, String copyPath, long version, Map<String, Print> prints) {
    ObjectNode root = JSON.createObjectNode();
    root.put("table_version", version);
    ObjectNode partitions = root.putObject("partitions");
    prints.forEach((p, print) -> partitions.putObject(p).put("rows", print.rows()).put("hash", print.hash()));
    try {
      SideFiles.keepVersioned(copyPath, DIR, version, root.toString(), spark.sessionState().newHadoopConf());
    } catch (IOException e) {
      LOG.warn("Cannot keep the prints of {} version {}: {} (the next run scans it)", copyPath, version, e.toString());
    }
  }

  /** The prints kept for {@code version} of the copy, if there are any and they can be read. */
  static Optional<Map<String, Print>> read(SparkSession spark, String copyPath, long version) {
    String file = SideFiles.versioned(copyPath, DIR, version);
    try {
      Optional<String> json = SideFiles.read(file, spark.sessionState().newHadoopConf());
      if (json.isEmpty()) {
        return Optional.empty();
      }
      JsonNode root = JSON.readTree(json.get());
      if (root == null || root.path("table_version").asLong(-1) != version || !root.path("partitions").isObject()) {
        throw new IOException("not the prints of version " + version);
      }
      Map<String, Print> out = new TreeMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = root.get("partitions").fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode p = e.getValue();
        if (!p.path("rows").isIntegralNumber() || !p.path("hash").isTextual()) {
          throw new IOException("partition " + e.getKey() + " lacks rows or hash");
        }
        out.put(e.getKey(), new Print(p.get("rows").asLong(), p.get("hash").asText()));
      }
      return Optional.of(out);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot read the prints {}: {} (scanning the copy instead)", file, e.toString());
      return Optional.empty();
    }
  }
}
