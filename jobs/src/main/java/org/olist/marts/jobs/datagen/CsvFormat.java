package org.olist.marts.jobs.datagen;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The real Olist CSV conventions (SPEC §2): header names double-quoted; a string value quoted only when it
 * starts with a digit or holds a comma, quote or line break (quotes doubled); numbers and timestamps never
 * quoted; empty field = null; timestamps {@code yyyy-MM-dd HH:mm:ss}; money with exactly two decimals.
 */
public final class CsvFormat {
  public static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private CsvFormat() {
  }

  public static String header(List<String> names) {
    return names.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(","));
  }

  public static String str(String value) {
    if (value == null) {
      return "";
    }
    boolean quote = !value.isEmpty() && Character.isDigit(value.charAt(0))
        || value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
        || value.indexOf('\r') >= 0;
    return quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
  }

  public static String ts(LocalDateTime value) {
    return value == null ? "" : TIMESTAMP.format(value);
  }

  /** Cents as a decimal with exactly two places: 5890 becomes 58.90. */
  public static String money(long cents) {
    return String.format("%d.%02d", cents / 100, cents % 100);
  }

  public static String num(Number value) {
    return value == null ? "" : value.toString();
  }

  public static String row(String... fields) {
    return String.join(",", fields);
  }
}
