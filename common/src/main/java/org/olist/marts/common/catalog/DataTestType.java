package org.olist.marts.common.catalog;

/**
 * The kinds of data test the catalog may declare (SPEC §7): generic ones on a column, and the singular kinds
 * the test job knows how to run. A test of any other type is refused when the catalog is read.
 */
public enum DataTestType {
  UNIQUE, NOT_NULL, RELATIONSHIPS, ACCEPTED_VALUES, EXPRESSION, SQL, DATE_COMPLETENESS, RECONCILIATION,
  ALL_STATES_MAPPED, NATIONAL_REACHES_SELLERS;

  /** The word the catalog uses ({@code not_null}, …). */
  public String word() {
    return CatalogWords.word(this);
  }

  public static DataTestType of(String word, String test) {
    return CatalogWords.parse(values(), word, "type", "data test " + test);
  }

  @Override
  public String toString() {
    return word();
  }
}
