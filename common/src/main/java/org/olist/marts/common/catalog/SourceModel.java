package org.olist.marts.common.catalog;

import com.typesafe.config.Config;

/** One raw input file of SPEC §2: its fixed name, whether it is required, how it is read. */
public record SourceModel(String name, String file, boolean required, boolean multiline, String description) {
  static SourceModel from(String name, Config c) {
    return new SourceModel(name, c.getString("file"), c.getBoolean("required"),
        c.hasPath("multiline") && c.getBoolean("multiline"),
        c.hasPath("description") ? c.getString("description") : "");
  }
}
