package org.olist.marts.common.io;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one CSV line (no line break inside quotes) into trimmed, unquoted fields, for what is read without Spark: a
 * header, an RLS seed, the first line of a record.
 */
public final class CsvLine {
  private CsvLine() {
  }

  public static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        out.add(cur.toString().trim());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString().trim());
    return out;
  }
}
