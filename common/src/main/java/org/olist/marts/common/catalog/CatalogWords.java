package org.olist.marts.common.catalog;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.olist.marts.common.OlistException;

/** The catalog's words for a closed set (an enum constant's lower-case name), read back with a precise error. */
final class CatalogWords {
  private CatalogWords() {
  }

  static String word(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /**
   * The constant of {@code values} the catalog calls {@code word}; otherwise "Cannot read {@code where}: unknown
   * {@code what} 'word' (one of …)".
   */
  static <E extends Enum<E>> E parse(E[] values, String word, String what, String where) {
    Function<E, String> words = CatalogWords::word;
    return Arrays.stream(values).filter(v -> words.apply(v).equals(word)).findFirst()
        .orElseThrow(() -> new OlistException("Cannot read " + where + ": unknown " + what + " '" + word
            + "' (one of " + Arrays.stream(values).map(words).collect(Collectors.joining(", ")) + ")"));
  }
}
