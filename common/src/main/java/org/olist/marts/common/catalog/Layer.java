package org.olist.marts.common.catalog;

/** The warehouse's layers (SPEC §3); each is a directory under the warehouse root. */
public enum Layer {
  STAGING, INTERMEDIATE, MARTS, QUARANTINE, AUDIT;

  /** The layers of the star schema's flow, in build order. */
  public static final Layer[] MODELLED = {STAGING, INTERMEDIATE, MARTS};

  /**
   * Whether the layer's tables keep Delta's Change Data Feed: the next layer reads what changed in them since the
   * versions it last consumed (SPEC §4).
   */
  public boolean keepsChangeFeed() {
    return this == STAGING || this == INTERMEDIATE;
  }

  /** The directory under the warehouse root and the word the catalog uses. */
  public String dir() {
    return CatalogWords.word(this);
  }

  /** The layer the catalog names {@code word}; {@code where} says which entry, for the error. */
  public static Layer of(String word, String where) {
    return CatalogWords.parse(values(), word, "layer", where);
  }

  @Override
  public String toString() {
    return dir();
  }
}
