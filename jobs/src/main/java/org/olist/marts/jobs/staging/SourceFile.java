package org.olist.marts.jobs.staging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.io.CsvLine;

/**
 * What staging checks on a raw file before Spark reads it: that it exists, is not empty, and its header
 * (BOM stripped, quotes removed, CRLF tolerated). Works on any Hadoop file system (local, s3a, hdfs).
 */
public final class SourceFile {
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private final String path;
  private final boolean exists;
  private final List<String> header;
  private final boolean hasDataRows;

  private SourceFile(String path, boolean exists, List<String> header, boolean hasDataRows) {
    this.path = path;
    this.exists = exists;
    this.header = header;
    this.hasDataRows = hasDataRows;
  }

  public static SourceFile inspect(String path, Configuration hadoopConf) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(hadoopConf);
      if (!fs.exists(p) || !fs.getFileStatus(p).isFile()) {
        return new SourceFile(path, false, List.of(), false);
      }
      try (InputStream in = fs.open(p)) {
        byte[] head = in.readNBytes(MAX_HEADER_BYTES);
        return fromBytes(path, head);
      }
    } catch (IOException e) {
      throw new OlistException("Cannot read source file " + path + ": " + e.getMessage(), e);
    }
  }

  /** Parses the first bytes of a file: header line and whether any non-blank line follows. */
  static SourceFile fromBytes(String path, byte[] head) {
    int start = 0;
    if (head.length >= 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF) {
      start = 3;
    }
    int end = start;
    while (end < head.length && head[end] != '\n') {
      end++;
    }
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    line.write(head, start, end - start);
    String headerLine = line.toString(StandardCharsets.UTF_8).replace("\r", "");
    boolean dataRows = false;
    for (int i = end + 1; i < head.length; i++) {
      if (!Character.isWhitespace(head[i])) {
        dataRows = true;
        break;
      }
    }
    List<String> names = headerLine.isBlank() ? List.of() : CsvLine.split(headerLine);
    return new SourceFile(path, true, names, dataRows);
  }

  public String path() {
    return path;
  }

  public boolean exists() {
    return exists;
  }

  public boolean isEmpty() {
    return header.isEmpty() || !hasDataRows;
  }

  public List<String> header() {
    return header;
  }
}
