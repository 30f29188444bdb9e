package org.olist.marts.jobs.staging;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.olist.marts.common.OlistException;

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

  /** How many records the file holds. */
  public static long count(String path, Optional<Pattern> recordStart, Configuration conf) {
    long[] n = {0};
    scan(path, recordStart, conf, line -> n[0]++);
    return n[0];
  }

  /** The first line of every record, in file order (read again only when the counts differ). */
  public static List<RecordLine> records(String path, Optional<Pattern> recordStart, Configuration conf) {
    List<RecordLine> out = new ArrayList<>();
    scan(path, recordStart, conf, out::add);
    return out;
  }

  private static void scan(String path, Optional<Pattern> recordStart, Configuration conf, Consumer<RecordLine> sink) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(conf);
      try (InputStream in = fs.open(p);
           BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
        scan(reader, recordStart, sink);
      }
    } catch (IOException e) {
      throw new OlistException("Cannot count the records of " + path + ": " + e.getMessage(), e);
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
