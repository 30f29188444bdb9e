package org.olist.marts.common.catalog;

import com.typesafe.config.Config;

/** One input file: a raw Olist file of SPEC §2 or an RLS seed; its fixed name, whether required, how read. */
public record SourceModel(String name, String file, boolean required, boolean multiline, String kind,
                          String description) {
  public static final String RAW_FILE = "file";
  public static final String SEED = "seed";

  static SourceModel from(String name, Config c) {
    return new SourceModel(name, c.getString("file"), c.getBoolean("required"),
        c.hasPath("multiline") && c.getBoolean("multiline"), c.hasPath("kind") ? c.getString("kind") : RAW_FILE,
        c.hasPath("description") ? c.getString("description") : "");
  }
}
