package org.olist.marts.common.catalog;

/** The warehouse's layers (SPEC §3); each is a directory under the warehouse root. */
public enum Layer {
  STAGING, INTERMEDIATE, MARTS, QUARANTINE, AUDIT;

  /** The layers of the star schema's flow, in build order. */
  public static final Layer[] MODELLED = {STAGING, INTERMEDIATE, MARTS};

  /**
   * Whether the layer's tables keep Delta's Change Data Feed: the next layer (for the marts, the secured copies)
   * reads what changed in them since the versions it last consumed (SPEC §4).
   */
  public boolean keepsChangeFeed() {
    return this == STAGING || this == INTERMEDIATE || this == MARTS;
  }

  /**
   * Whether the layer's tables keep deletion vectors: written by their difference and read by Spark alone, a MERGE
   * marks the rows it changes instead of rewriting the files that hold them. The marts, read by Trino and other
   * engines too, are rewritten.
   */
  public boolean keepsDeletionVectors() {
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
