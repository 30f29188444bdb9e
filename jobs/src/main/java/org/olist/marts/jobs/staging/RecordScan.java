package org.olist.marts.jobs.staging;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.io.Digests;

/**
 * The records of a raw file counted without the CSV parser (SPEC §10), so that a parser that merges records
 * (a stray quote in a multi-line file swallows the lines after it) shows up as a difference instead of a
 * reconciliation that balances over fewer rows. A record is a non-blank physical line after the header, or in a
 * multi-line file a line that matches the source's {@code record-start} pattern.
 */
public final class RecordScan {
  /** One record's first physical line: its 1-based line number in the file and its text. */
  public record RecordLine(long number, String text) {
  }

  private RecordScan() {
  }

  /**
   * A file's records with its size and content checksum, read in one pass: the checksum tells a file staged before
   * (issue 33) before the CSV parser reads it.
   *
   * @param sha256 the SHA-256 of the file's bytes, in hex
   */
  public record Counted(long records, long bytes, String sha256) {
    /** The file as an input of its staged table ({@code Inputs}). */
    public String print() {
      return "sha256:" + sha256 + " bytes:" + bytes;
    }
  }

  /** How many records the file holds, its size and checksum. */
  public static Counted count(String path, Optional<Pattern> recordStart, Configuration conf) {
    long[] n = {0};
    MessageDigest digest = Digests.sha256();
    long bytes = scan(path, recordStart, conf, digest, line -> n[0]++);
    return new Counted(n[0], bytes, HexFormat.of().formatHex(digest.digest()));
  }

  /** The first line of every record, in file order (read again only when the counts differ). */
  public static List<RecordLine> records(String path, Optional<Pattern> recordStart, Configuration conf) {
    List<RecordLine> out = new ArrayList<>();
    scan(path, recordStart, conf, null, out::add);
    return out;
  }

  /** Scans the file's records into {@code sink}, its bytes into {@code digest} (when given); returns its size. */
  private static long scan(String path, Optional<Pattern> recordStart, Configuration conf, MessageDigest digest,
                           Consumer<RecordLine> sink) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(conf);
      try (CountingInputStream in = new CountingInputStream(digest == null ? fs.open(p)
              : new DigestInputStream(fs.open(p), digest));
           BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
        scan(reader, recordStart, sink);
        return in.count();
      }
    } catch (IOException e) {
      throw new OlistException("Cannot count the records of " + path + ": " + e.getMessage(), e);
    }
  }

  /** The bytes read through it. */
  private static final class CountingInputStream extends FilterInputStream {
    private long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    long count() {
      return count;
    }
  }

  static void scan(BufferedReader reader, Optional<Pattern> recordStart, Consumer<RecordLine> sink) throws IOException {
    String line = reader.readLine();
    long number = 1;
    while ((line = reader.readLine()) != null) {
      number++;
      // as Spark's CSV reader: a line of white space (chars <= ' ') alone is no record
      if (recordStart.isPresent() ? recordStart.get().matcher(line).find() : !line.trim().isEmpty()) {
        sink.accept(new RecordLine(number, line));
      }
    }
  }
}
