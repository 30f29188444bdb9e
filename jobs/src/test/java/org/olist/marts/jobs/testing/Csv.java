package org.olist.marts.jobs.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small RFC 4180 reader, independent of Spark, used by tests to compute reference figures straight from
 * the CSV files (quoted fields, doubled quotes, line breaks inside quotes, BOM, CRLF).
 */
public final class Csv {
  private Csv() {
  }

  /** Rows as maps from header name to value (empty string = null). */
  public static List<Map<String, String>> read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    List<List<String>> rows = parse(text);
    List<String> header = rows.get(0);
    List<Map<String, String>> out = new ArrayList<>();
    for (List<String> r : rows.subList(1, rows.size())) {
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        String v = i < r.size() ? r.get(i) : "";
        m.put(header.get(i), v.isEmpty() ? null : v);
      }
      out.add(m);
    }
    return out;
  }

  /** Writes rows as {@link #read} returns them: a header, every value quoted, a null as an empty field. */
  public static void write(Path file, List<Map<String, String>> rows) throws IOException {
    StringBuilder out = new StringBuilder(String.join(",", rows.get(0).keySet().stream().map(Csv::quoted).toList()))
        .append('\n');
    for (Map<String, String> row : rows) {
      out.append(String.join(",", row.values().stream().map(v -> v == null ? "" : quoted(v)).toList())).append('\n');
    }
    Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
  }

  private static String quoted(String value) {
    return '"' + value.replace("\"", "\"\"") + '"';
  }

  static List<List<String>> parse(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
            f.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          f.append(c);
        }
      } else if (c == '"') {
        quoted = true;
        any = true;
      } else if (c == ',') {
        row.add(f.toString());
        f.setLength(0);
        any = true;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        if (any || f.length() > 0) {
          row.add(f.toString());
          rows.add(row);
        }
        row = new ArrayList<>();
        f.setLength(0);
        any = false;
      } else {
        f.append(c);
        any = true;
      }
    }
    if (any || f.length() > 0) {
      row.add(f.toString());
      rows.add(row);
    }
    return rows;
  }
}
