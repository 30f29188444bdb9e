package org.olist.marts.common.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.olist.marts.common.io.Digests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which build of the code a job runs, as an input of every table it builds ({@link Inputs}): a new jar may change a
 * business rule that no contract shows, so a table built by another build is built again once. The digest of the jar
 * (or class folder) the job's class was loaded from, computed once per JVM.
 */
final class CodeVersion {
  private static final Logger LOG = LoggerFactory.getLogger(CodeVersion.class);
  private static final Map<Path, String> DIGESTS = new ConcurrentHashMap<>();
  private static final AtomicBoolean WARNED = new AtomicBoolean();
  static final String UNKNOWN = "unknown";

  private CodeVersion() {
  }

  /** Sixteen hex digits naming the build that holds {@code code}; {@code unknown} where no file holds it. */
  static String of(Class<?> code) {
    CodeSource source = code.getProtectionDomain().getCodeSource();
    Path location;
    try {
      location = source == null || source.getLocation() == null ? null : Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | IllegalArgumentException e) {
      location = null;
    }
    if (location == null || !Files.exists(location)) {
      if (WARNED.compareAndSet(false, true)) {
        LOG.warn("Cannot tell which build of the code runs ({} has no file location): tables are rebuilt only when "
            + "their inputs or contracts change", code.getName());
      }
      return UNKNOWN;
    }
    return DIGESTS.computeIfAbsent(location, CodeVersion::digest);
  }

  private static String digest(Path location) {
    MessageDigest digest = Digests.sha256();
    try {
      if (Files.isDirectory(location)) {
        // a class folder (tests, an IDE): every file's path, size and time
        List<Path> files;
        try (Stream<Path> all = Files.walk(location)) {
          files = all.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
          digest.update((location.relativize(f) + "|" + Files.size(f) + "|" + Files.getLastModifiedTime(f).toMillis()
              + "\n").getBytes(StandardCharsets.UTF_8));
        }
      } else {
        try (InputStream in = Files.newInputStream(location)) {
          byte[] buffer = new byte[1 << 16];
          for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            digest.update(buffer, 0, n);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot digest the code at " + location + ": " + e.getMessage(), e);
    }
    return HexFormat.of().formatHex(digest.digest(), 0, 8);
  }
}
