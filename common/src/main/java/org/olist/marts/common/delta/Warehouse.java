package org.olist.marts.common.delta;

import org.olist.marts.common.catalog.TableModel;

/** Table locations under one warehouse root: {@code <warehouse>/<layer>/<table>} (SPEC §3). */
public final class Warehouse {
  public static final String STAGING = "staging";
  public static final String INTERMEDIATE = "intermediate";
  public static final String MARTS = "marts";
  public static final String QUARANTINE = "quarantine";
  public static final String AUDIT = "audit";

  private final String root;

  public Warehouse(String root) {
    this.root = root;
  }

  public String root() {
    return root;
  }

  public String path(TableModel table) {
    return root + "/" + table.relativePath();
  }

  public String path(String layer, String table) {
    return root + "/" + layer + "/" + table;
  }
}
