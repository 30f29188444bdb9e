package org.olist.marts.jobs.staging;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.regexp_replace;
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
  /** Java's \\s is ASCII only; \\p{Z} adds NBSP and the other Unicode space separators. */
  private static final String WHITE = "[\\s\\p{Z}\\x{FEFF}]";
  private static final String EDGE_WHITE = "^" + WHITE + "+|" + WHITE + "+$";

  private Normalizations() {
  }

  public static Column trimmed(Column raw) {
    return nullif(regexp_replace(raw, EDGE_WHITE, ""), lit(""));
  }

  public static Column apply(String rule, Column raw) {
    Column v = trimmed(raw);
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
