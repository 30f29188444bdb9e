package org.olist.marts.common.catalog;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.olist.marts.common.OlistException;

/**
 * The kinds of data test the catalog may declare (SPEC §7): generic ones on a column, and the singular kinds
 * the test job knows how to run. A test of any other type is refused when the catalog is read.
 */
public enum DataTestType {
  UNIQUE, NOT_NULL, RELATIONSHIPS, ACCEPTED_VALUES, EXPRESSION, SQL, DATE_COMPLETENESS, RECONCILIATION,
  ALL_STATES_MAPPED, NATIONAL_REACHES_SELLERS;

  /** The word the catalog uses ({@code not_null}, …). */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DataTestType of(String word, String test) {
    return Arrays.stream(values()).filter(t -> t.word().equals(word)).findFirst()
        .orElseThrow(() -> new OlistException("Cannot read data test " + test + ": unknown type '" + word
            + "' (one of " + Arrays.stream(values()).map(DataTestType::word).collect(Collectors.joining(", "))
            + ")"));
  }

  @Override
  public String toString() {
    return word();
  }
}
