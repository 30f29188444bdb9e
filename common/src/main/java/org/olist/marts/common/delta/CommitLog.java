package org.olist.marts.common.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.io.SideFiles;

/**
 * A table's latest commit read straight from its log as the Delta protocol lays it out ({@code _delta_log/} holds
 * one {@code <20-digit version>.json} per commit, one action per line, the {@code commitInfo} action with the
 * operation metrics): what {@code DeltaTable.history(1)} gives, without the Spark job it runs. Every write's
 * summary line and audit row need it, so a run saves one Spark job per table written.
 */
final class CommitLog {
  private static final String LOG_DIR = "_delta_log";
  private static final Pattern COMMIT_FILE = Pattern.compile("\\d{20}\\.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private CommitLog() {
  }

  /** The version of the table's newest commit. */
  static long latestVersion(String table, Configuration conf) {
    return newestVersion(table, conf).orElseThrow(() -> new OlistException("Cannot read the commits of Delta table "
        + table + ": no commit file in " + new Path(table, LOG_DIR)));
  }

  /** The version of the table's newest commit; empty while it has none (no log directory, or no commit in it). */
  static OptionalLong newestVersion(String table, Configuration conf) {
    Path log = new Path(table, LOG_DIR);
    try {
      FileSystem fs = log.getFileSystem(conf);
      long latest = -1;
      for (FileStatus f : fs.listStatus(log)) {
        String name = f.getPath().getName();
        if (COMMIT_FILE.matcher(name).matches()) {
          latest = Math.max(latest, Long.parseLong(name.substring(0, 20)));
        }
      }
      return latest < 0 ? OptionalLong.empty() : OptionalLong.of(latest);
    } catch (FileNotFoundException e) {
      return OptionalLong.empty();
    } catch (IOException e) {
      throw new OlistException("Cannot read the commits of Delta table " + table + ": " + e.getMessage(), e);
    }
  }

  /** The table's newest commit: its version and operation metrics (empty when the commit recorded none). */
  static DeltaTables.Commit latest(String table, Configuration conf) {
    long version = latestVersion(table, conf);
    List<JsonNode> actions = actions(table, version, conf).orElseThrow(() -> new OlistException(
        "Cannot read commit " + version + " of Delta table " + table + ": " + commitFile(table, version) + " vanished"));
    for (JsonNode action : actions) {
      JsonNode info = action.get("commitInfo");
      if (info != null) {
        Map<String, String> metrics = new LinkedHashMap<>();
        JsonNode m = info.path("operationMetrics");
        m.fieldNames().forEachRemaining(k -> metrics.put(k, m.get(k).asText()));
        return new DeltaTables.Commit(version, metrics);
      }
    }
    return new DeltaTables.Commit(version, Map.of());
  }

  private static Path commitFile(String table, long version) {
    return new Path(new Path(table, LOG_DIR), String.format("%020d.json", version));
  }

  /** The actions of one commit, one per line of its file; empty when the file is gone (cleaned up). */
  private static Optional<List<JsonNode>> actions(String table, long version, Configuration conf) {
    try {
      Optional<String> text = SideFiles.read(commitFile(table, version).toString(), conf);
      if (text.isEmpty()) {
        return Optional.empty();
      }
      List<JsonNode> out = new ArrayList<>();
      for (String line : text.get().split("\n")) {
        if (!line.isBlank()) {
          out.add(JSON.readTree(line));
        }
      }
      return Optional.of(out);
    } catch (IOException e) {
      throw new OlistException("Cannot read commit " + version + " of Delta table " + table + ": " + e.getMessage(), e);
    }
  }

  /**
   * Why the commits after version {@code from} up to {@code to} cannot be read as a change feed: a commit no longer
   * in the log, or one that replaced the table (an overwrite, a replace, a restore: its feed reads as every row
   * deleted and inserted); empty when every commit is there and none replaced the table.
   */
  static Optional<String> replacedBetween(String table, long from, long to, Configuration conf) {
    for (long v = from + 1; v <= to; v++) {
      Optional<List<JsonNode>> actions = actions(table, v, conf);
      if (actions.isEmpty()) {
        return Optional.of("commit " + v + " is no longer in its log");
      }
      for (JsonNode action : actions.get()) {
        JsonNode info = action.get("commitInfo");
        if (info == null) {
          continue;
        }
        String operation = info.path("operation").asText("");
        String mode = info.path("operationParameters").path("mode").asText("");
        if (("WRITE".equals(operation) && "Overwrite".equals(mode)) || operation.contains("REPLACE")
            || operation.equals("RESTORE") || operation.equals("TRUNCATE")) {
          return Optional.of("version " + v + " replaced the table (" + operation
              + (mode.isEmpty() ? "" : " " + mode) + ")");
        }
      }
    }
    return Optional.empty();
  }

  /** The version of the table's latest checkpoint ({@code _delta_log/_last_checkpoint}); empty when it has none. */
  static Optional<Long> lastCheckpoint(String table, Configuration conf) {
    Path file = new Path(new Path(table, LOG_DIR), "_last_checkpoint");
    try {
      Optional<String> text = SideFiles.read(file.toString(), conf);
      if (text.isEmpty()) {
        return Optional.empty();
      }
      JsonNode version = JSON.readTree(text.get()).path("version");
      return version.isIntegralNumber() ? Optional.of(version.asLong()) : Optional.empty();
    } catch (IOException e) {
      throw new OlistException("Cannot read the checkpoint of Delta table " + table + ": " + e.getMessage(), e);
    }
  }

  /**
   * The partitions (partition column → value, a null value as null) that commits since the table's last
   * {@code OPTIMIZE} added data to, newest commit first back to that compaction; empty when that cannot be told
   * from the log (a commit file already cleaned up before a compaction was found, or more than {@code maxCommits}
   * commits to read), which a caller treats as "every partition".
   */
  static Optional<Set<Map<String, String>>> partitionsWrittenSinceCompaction(String table, Configuration conf,
                                                                              int maxCommits) {
    long latest = latestVersion(table, conf);
    Set<Map<String, String>> out = new HashSet<>();
    for (long v = latest; v >= 0 && v > latest - maxCommits; v--) {
      Optional<List<JsonNode>> actions = actions(table, v, conf);
      if (actions.isEmpty()) {
        return Optional.empty();
      }
      boolean compaction = false;
      for (JsonNode action : actions.get()) {
        if ("OPTIMIZE".equals(action.path("commitInfo").path("operation").asText(null))) {
          compaction = true;
        }
        JsonNode add = action.get("add");
        if (add != null && add.path("dataChange").asBoolean(true)) {
          Map<String, String> partition = new LinkedHashMap<>();
          add.path("partitionValues").fields().forEachRemaining(e ->
              partition.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
          out.add(partition);
        }
      }
      if (compaction) {
        return Optional.of(out);
      }
    }
    return latest < maxCommits ? Optional.of(out) : Optional.empty();
  }
}
