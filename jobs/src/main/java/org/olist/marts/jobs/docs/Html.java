package org.olist.marts.jobs.docs;

/** HTML escaping for the docs site. */
final class Html {
  private Html() {
  }

  static String esc(Object value) {
    if (value == null) {
      return "";
    }
    return value.toString().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
