package org.olist.marts.common.catalog;

import com.typesafe.config.Config;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.olist.marts.common.OlistException;

/**
 * One input file: a raw Olist file of SPEC §2 or an RLS seed; its fixed name, whether required, how read. A
 * multi-line file declares how the first line of each of its records looks ({@code record-start}), so its records
 * can be counted without the CSV parser (SPEC §10).
 */
public record SourceModel(String name, String file, boolean required, boolean multiline, String kind,
                          String description, Optional<Pattern> recordStart) {
  public static final String RAW_FILE = "file";
  public static final String SEED = "seed";
  public static final String RECORD_START = "record-start";

  static SourceModel from(String name, Config c) {
    boolean multiline = c.hasPath("multiline") && c.getBoolean("multiline");
    Optional<Pattern> recordStart = Optional.empty();
    if (c.hasPath(RECORD_START)) {
      try {
        recordStart = Optional.of(Pattern.compile(c.getString(RECORD_START)));
      } catch (PatternSyntaxException e) {
        throw new OlistException("Cannot load catalog: source " + name + " has an invalid " + RECORD_START
            + " pattern: " + e.getMessage(), e);
      }
    } else if (multiline) {
      throw new OlistException("Cannot load catalog: multi-line source " + name + " has no " + RECORD_START
          + " pattern (how the first line of a record looks, to count records without the CSV parser)");
    }
    return new SourceModel(name, c.getString("file"), c.getBoolean("required"), multiline,
        c.hasPath("kind") ? c.getString("kind") : RAW_FILE, c.hasPath("description") ? c.getString("description") : "",
        recordStart);
  }
}
