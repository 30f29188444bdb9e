package org.olist.marts.jobs.staging;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.io.CsvLine;
import org.olist.marts.jobs.staging.RecordScan.RecordLine;

/**
 * Which records of a file the CSV parser did not read as records, found by matching the key of every record line
 * of the file ({@link RecordScan}) against the keys the parser produced, in file order. A record line whose key
 * the parser never produced was swallowed by the record kept before it (typically an unbalanced quote there); both
 * go to quarantine, so the reconciliation over the file's own record count still balances (SPEC §10).
 *
 * @param lost the swallowed record lines, each with the kept record line that swallowed it
 */
public record ParserLoss(List<Lost> lost) {
  /** What Java's {@code String.trim} removes (chars up to the space), for the same trim on the Spark side. */
  public static final String TRIMMED = IntStream.rangeClosed(0, ' ')
      .mapToObj(ch -> String.valueOf((char) ch)).collect(Collectors.joining());
  /** Joins the values of a key into one string. */
  public static final String KEY_SEPARATOR = "\u0001";

  /** A record line the parser did not read, and the record that swallowed it. */
  public record Lost(RecordLine line, RecordLine swallower) {
  }

  /** Trimmed key values of a record (a missing value reads as empty, as the parser reads an empty field). */
  public static List<String> key(List<String> values) {
    List<String> out = new ArrayList<>(values.size());
    for (String v : values) {
      out.add(v == null ? "" : v.trim());
    }
    return out;
  }

  /**
   * Explains {@code parsedRecords} parser records against the file's {@code lines}, or fails naming what cannot
   * be explained.
   *
   * @param keyPositions header positions of the key columns
   * @param parsedKeys the key of every record the parser read
   */
  public static ParserLoss explain(String file, List<RecordLine> lines, List<Integer> keyPositions,
                                   List<List<String>> parsedKeys) {
    Map<List<String>, Integer> unmatched = new HashMap<>();
    for (List<String> k : parsedKeys) {
      unmatched.merge(k, 1, Integer::sum);
    }
    List<Lost> lost = new ArrayList<>();
    RecordLine kept = null;
    for (RecordLine line : lines) {
      List<String> key = lineKey(line, keyPositions);
      Integer left = unmatched.get(key);
      if (left != null) {
        if (left == 1) {
          unmatched.remove(key);
        } else {
          unmatched.put(key, left - 1);
        }
        kept = line;
      } else if (kept == null) {
        throw new OlistException("Cannot stage " + file + ": the record at line " + line.number()
            + " was not read by the CSV parser and no record before it explains why (check the header's quotes)");
      } else {
        lost.add(new Lost(line, kept));
      }
    }
    long extra = unmatched.values().stream().mapToLong(Integer::longValue).sum();
    if (extra > 0) {
      throw new OlistException("Cannot stage " + file + ": the file holds " + lines.size()
          + " records but the CSV parser read " + parsedKeys.size() + ", of which " + extra
          + " match no record line of the file" + (unmatched.isEmpty() ? "" : " (keys " + sample(unmatched) + ")")
          + (lost.isEmpty() ? "" : "; lines not read as records: " + numbers(lost)));
    }
    return new ParserLoss(lost);
  }

  private static List<String> lineKey(RecordLine line, List<Integer> keyPositions) {
    List<String> fields = CsvLine.split(line.text());
    List<String> values = new ArrayList<>(keyPositions.size());
    for (int p : keyPositions) {
      values.add(p < fields.size() ? fields.get(p) : null);
    }
    return key(values);
  }

  /** A record line's key as one string (values joined by {@link #KEY_SEPARATOR}). */
  public static String keyText(RecordLine line, List<Integer> keyPositions) {
    return String.join(KEY_SEPARATOR, lineKey(line, keyPositions));
  }

  /** The records that swallowed others, each with the line numbers it swallowed. */
  public Map<RecordLine, List<Long>> swallowers() {
    Map<RecordLine, List<Long>> out = new LinkedHashMap<>();
    for (Lost l : lost) {
      out.computeIfAbsent(l.swallower(), s -> new ArrayList<>()).add(l.line().number());
    }
    return out;
  }

  public static String numbers(List<Lost> lost) {
    return lost.stream().map(l -> Long.toString(l.line().number())).collect(Collectors.joining(", "));
  }

  private static String sample(Map<List<String>, Integer> keys) {
    return keys.keySet().stream().limit(5).map(k -> String.join("|", k)).collect(Collectors.joining(", "))
        + (keys.size() > 5 ? ", …" : "");
  }
}
