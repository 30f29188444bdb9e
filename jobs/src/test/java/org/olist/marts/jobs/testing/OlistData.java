package org.olist.marts.jobs.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the real Olist files of {@code ../shared/data} are, when this machine has them: from
 * {@code OLIST_DATA_DIR}, the {@code olist.data.dir} system property (set by the build), or not at all.
 */
public final class OlistData {
  public static final String SUBSET = "olist-subset";
  public static final String FULL_NO_ORDERS = "olist-full-no-orders";

  private OlistData() {
  }

  public static Optional<Path> folder(String name) {
    String root = System.getenv("OLIST_DATA_DIR");
    if (root == null || root.isBlank()) {
      root = System.getProperty("olist.data.dir");
    }
    if (root == null) {
      return Optional.empty();
    }
    Path p = Path.of(root, name);
    return Files.isDirectory(p) ? Optional.of(p.toAbsolutePath().normalize()) : Optional.empty();
  }

  /** The repository's embedded sample ({@code data/sample}). */
  public static Path sample() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      Path candidate = p.resolve("data/sample");
      if (Files.isDirectory(candidate) && new File(p.toFile(), "pom.xml").exists()) {
        return candidate;
      }
    }
    throw new IllegalStateException("Cannot find data/sample above " + here);
  }
}
