package org.olist.marts.common.catalog;

import org.olist.marts.common.OlistException;

/** What a data test's failing rows do to the run (SPEC §7): an error fails it, a warning is reported. */
public enum Severity {
  ERROR, WARN;

  public String word() {
    return CatalogWords.word(this);
  }

  /** The severity the catalog names {@code word} for test {@code test}. */
  public static Severity of(String word, String test) {
    return switch (word) {
      case "error" -> ERROR;
      case "warn" -> WARN;
      default -> throw new OlistException("Cannot read data test " + test + ": unknown severity '" + word
          + "' (error or warn)");
    };
  }

  @Override
  public String toString() {
    return word();
  }
}
