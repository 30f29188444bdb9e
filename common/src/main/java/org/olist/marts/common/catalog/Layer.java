package org.olist.marts.common.catalog;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.olist.marts.common.OlistException;

/** The warehouse's layers (SPEC §3); each is a directory under the warehouse root. */
public enum Layer {
  STAGING, INTERMEDIATE, MARTS, QUARANTINE, AUDIT;

  /** The layers of the star schema's flow, in build order. */
  public static final Layer[] MODELLED = {STAGING, INTERMEDIATE, MARTS};

  /** The directory under the warehouse root and the word the catalog uses. */
  public String dir() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The layer the catalog names {@code word}; {@code where} says which entry, for the error. */
  public static Layer of(String word, String where) {
    return Arrays.stream(values()).filter(l -> l.dir().equals(word)).findFirst()
        .orElseThrow(() -> new OlistException("Cannot read " + where + ": unknown layer '" + word + "' (one of "
            + Arrays.stream(values()).map(Layer::dir).collect(Collectors.joining(", ")) + ")"));
  }

  @Override
  public String toString() {
    return dir();
  }
}
