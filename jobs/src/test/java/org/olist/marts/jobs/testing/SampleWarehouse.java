package org.olist.marts.jobs.testing;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.jobs.quality.TestJob;
import org.olist.marts.jobs.rls.RlsJob;
import org.olist.marts.jobs.status.StatusJob;
import org.olist.marts.jobs.warehouse.PipelineJobs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded sample run through all six jobs once per build, for the test classes that start from that
 * warehouse; each gets a private copy. Building it in each such class cost a whole pipeline run apiece. The test
 * JVMs of one build share it through a file lock in the build's fixture folder ({@value #ROOT_PROPERTY}, set by
 * the build per Maven run, so a later build never reads a warehouse an older version of the code wrote); without
 * that property (a test run from an IDE) the JVM builds its own.
 */
public final class SampleWarehouse {
  /** The run id of the jobs that built the sample warehouse. */
  public static final String RUN_ID = "sample";
  static final String ROOT_PROPERTY = "olist.test.fixtures";
  private static final Logger LOG = LoggerFactory.getLogger(SampleWarehouse.class);
  private static Path built;

  private SampleWarehouse() {
  }

  /** A copy of the sample warehouse in {@code target}, which must not exist yet. */
  public static Path copyTo(Path target) throws IOException {
    return Pipeline.copyTree(built(), target);
  }

  /**
   * The configuration the sample warehouse was built with (shipped RLS seeds, a run of every default job), for a
   * warehouse and run id.
   */
  public static OlistConfig config(Path warehouse, String runId, Map<String, Object> more) {
    return config(OlistData.sample(), warehouse, runId, more);
  }

  /** As above, reading another input (a corrupted copy of the sample, say). */
  public static OlistConfig config(Path input, Path warehouse, String runId, Map<String, Object> more) {
    Map<String, Object> all = new HashMap<>(more);
    all.put(OlistConfig.RUN_ID, runId);
    all.putIfAbsent(OlistConfig.RLS_SEEDS, OlistData.sample().getParent().resolve("seeds").toString());
    all.putIfAbsent(OlistConfig.RUN_JOBS, String.join(",", PipelineJobs.DEFAULT));
    return TestSpark.config(input.toString(), warehouse, all);
  }

  private static synchronized Path built() throws IOException {
    if (built != null) {
      return built;
    }
    String shared = System.getProperty(ROOT_PROPERTY);
    Path root = shared == null || shared.isBlank() ? Files.createTempDirectory("olist-fixtures")
        : Files.createDirectories(Path.of(shared));
    Path warehouse = root.resolve("sample-warehouse");
    try (FileChannel lockFile = FileChannel.open(root.resolve("sample-warehouse.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
      Path ready = root.resolve("sample-warehouse.ready");
      if (!Files.exists(ready)) {
        if (shared != null && !shared.isBlank()) {
          pruneOlderBuilds(root);
        }
        deleteTree(warehouse);
        long started = System.nanoTime();
        OlistConfig config = config(warehouse, RUN_ID,
            Map.of(OlistConfig.RUN_RESULTS_FILE, root.resolve("sample-run_results.json").toString()));
        Pipeline.run(config);
        new RlsJob().run(TestSpark.spark(), config);
        new TestJob().run(TestSpark.spark(), config);
        new StatusJob().run(TestSpark.spark(), config);
        Files.createFile(ready);
        LOG.warn("Built the sample warehouse for this build's tests in {} s: {}",
            (System.nanoTime() - started) / 1_000_000_000L, warehouse);
      }
    }
    built = warehouse;
    return built;
  }

  /**
   * The fixture folders of earlier builds next to this one's (the build names one per Maven run); called under
   * this build's lock, so one JVM of the build prunes.
   */
  private static void pruneOlderBuilds(Path root) throws IOException {
    Instant old = Instant.now().minus(Duration.ofHours(6));
    try (Stream<Path> siblings = Files.list(root.getParent())) {
      for (Path p : (Iterable<Path>) siblings.filter(p -> !p.equals(root) && Files.isDirectory(p))::iterator) {
        if (Files.getLastModifiedTime(p).toInstant().isBefore(old)) {
          deleteTree(p);
        }
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
