package org.olist.marts.jobs.staging;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.olist.marts.common.OlistException;

/**
 * Every normalisation staging applies, in one place (the catalog names them per column with
 * {@code normalize = ...}). All of them first trim the value of every Unicode white space (tabs, line breaks,
 * NBSP and the other space separators, the byte-order mark; SPEC §10) and turn an empty string into null.
 * <ul>
 *   <li>{@code trim}: trimmed, empty = null (the default for strings).</li>
 *   <li>{@code lower}: trimmed and lower-cased (order status, payment type).</li>
 *   <li>{@code state}: trimmed and upper-cased state code ({@code sp} becomes {@code SP}).</li>
 *   <li>{@code zip}: 1 to 5 digits, left-padded with zeros to 5 characters ({@code 1151} becomes
 *       {@code 01151}); any other value is unparseable and quarantined.</li>
 *   <li>{@code city}: the one city rule: trimmed, lower-cased, runs of white space collapsed to one space.
 *       Accents are kept, since the source mixes both spellings and stripping them would merge real
 *       names.</li>
 * </ul>
 */
public final class Normalizations {
  public static final String TRIM = "trim";
  public static final String LOWER = "lower";
  public static final String STATE = "state";
  public static final String ZIP = "zip";
  public static final String CITY = "city";

  private static final String ZIP_PATTERN = "^[0-9]{1,5}$";
  /**
   * Every Unicode white space a value is trimmed of: Java's {@code \\s} (ASCII: space, tab, line breaks, vertical
   * tab, form feed), the space separators {@code \\p{Z}} (NBSP, the typographic spaces, line and paragraph
   * separators, the ideographic space) and the byte-order mark. Spelled out, so trimming is a character-set trim
   * (no regular expression per value).
   */
  static final String WHITE_SPACE = " \t\n\u000B\f\r\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
      + "\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF";
  /** The same set, one character per entry (a value's first and last characters are looked up in it). */
  private static final Object[] WHITE_CHARS = WHITE_SPACE.chars().mapToObj(c -> String.valueOf((char) c)).toArray();
  /** The same set as a pattern (runs of it collapse in city names). */
  static final String WHITE = "[\\s\\p{Z}\\x{FEFF}]";

  private Normalizations() {
  }

  /**
   * The raw value trimmed, empty = null. Only a value whose first or last character is white space is trimmed:
   * Spark's trim of a character set walks the whole value (it lists every character's position to trim the
   * right end), and almost no value needs it.
   */
  public static Column trimmed(Column raw) {
    Column edged = substring(raw, 1, 1).isin(WHITE_CHARS).or(substring(raw, -1, 1).isin(WHITE_CHARS));
    return nullif(when(edged, trim(raw, WHITE_SPACE)).otherwise(raw), lit(""));
  }

  /** A {@link #trimmed} value {@code v} normalised by {@code rule}. */
  public static Column apply(String rule, Column v) {
    switch (rule) {
      case TRIM:
        return v;
      case LOWER:
        return lower(v);
      case STATE:
        return upper(v);
      case ZIP:
        return when(v.rlike(ZIP_PATTERN), lpad(v, 5, "0"));
      case CITY:
        return lower(regexp_replace(v, WHITE + "+", " "));
      default:
        throw new OlistException("Cannot normalise: unknown rule '" + rule + "' in the catalog (known: trim, lower, "
            + "state, zip, city)");
    }
  }
}
