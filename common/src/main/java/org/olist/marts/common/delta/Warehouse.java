package org.olist.marts.common.delta;

import org.olist.marts.common.catalog.Layer;
import org.olist.marts.common.catalog.TableModel;

/** Table locations under one warehouse root: {@code <warehouse>/<layer>/<table>} (SPEC §3). */
public final class Warehouse {
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

  public String path(Layer layer, String table) {
    return root + "/" + layer.dir() + "/" + table;
  }
}
