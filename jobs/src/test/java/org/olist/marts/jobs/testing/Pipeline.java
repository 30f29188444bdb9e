package org.olist.marts.jobs.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.jobs.intermediate.IntermediateJob;
import org.olist.marts.jobs.marts.MartsJob;
import org.olist.marts.jobs.staging.StagingJob;

/** Runs the layers in-process, as the orchestrator would, and reads tables back. */
public final class Pipeline {
  private Pipeline() {
  }

  public static void run(OlistConfig config) {
    new StagingJob().run(TestSpark.spark(), config);
    new IntermediateJob().run(TestSpark.spark(), config);
    new MartsJob().run(TestSpark.spark(), config);
  }

  public static Dataset<Row> table(Path warehouse, String layer, String table) {
    return DeltaTables.read(TestSpark.spark(), warehouse + "/" + layer + "/" + table);
  }

  public static long version(Path warehouse, String layer, String table) {
    return DeltaTables.version(TestSpark.spark(), warehouse + "/" + layer + "/" + table);
  }

  /** The latest version of every Delta table of the warehouse but the audit tables, by {@code <layer>/<table>}. */
  public static Map<String, Long> versions(Path warehouse) throws IOException {
    Map<String, Long> out = commits(warehouse);
    out.keySet().removeIf(table -> table.startsWith("audit/"));
    return out;
  }

  /**
   * The newest commit of every Delta table under {@code folder} (a warehouse, a layer, the secured copies), by its
   * path relative to it; read from the log folders, so cheap enough to poll.
   */
  public static Map<String, Long> commits(Path folder) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    try (Stream<Path> logs = Files.walk(folder)) {
      for (Path log : (Iterable<Path>) logs.filter(p -> p.getFileName().toString().equals("_delta_log"))::iterator) {
        out.put(folder.relativize(log.getParent()).toString(),
            DeltaTables.newestVersion(TestSpark.spark(), log.getParent().toString()).orElse(-1));
      }
    }
    return out;
  }

  /** Copies every file of a directory (the real files are read-only; tests corrupt copies). */
  public static Path copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }

  /** Copies a folder and everything under it (a warehouse: its tables' paths in the Delta log are relative). */
  public static Path copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return to;
  }

  /** Rows written per table in the given run, from audit/job_runs. */
  public static Map<String, Row> audit(Path warehouse, String runId) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : table(warehouse, "audit", "job_runs").filter("run_id = '" + runId + "'").collectAsList()) {
      out.put(r.getAs("table_name") == null ? r.getAs("job") : r.getAs("table_name"), r);
    }
    return out;
  }
}
