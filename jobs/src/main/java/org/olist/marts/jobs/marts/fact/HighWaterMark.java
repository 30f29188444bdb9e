package org.olist.marts.jobs.marts.fact;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.olist.marts.common.delta.DeltaTables;

/**
 * The fact's high-water mark (max {@code source_updated_at} loaded), kept in the user metadata of the very
 * commit that loaded the rows: it cannot run ahead of the data, and a crashed run leaves it where it was.
 */
public final class HighWaterMark {
  public static final String KEY = "olist.high_water_mark";
  private static final Pattern VALUE = Pattern.compile("\"" + Pattern.quote(KEY) + "\"\\s*:\\s*\"([^\"]*)\"");

  private HighWaterMark() {
  }

  /** The commit metadata recording a mark (JSON), with the run that set it. */
  public static String metadata(Timestamp mark, String runId) {
    return "{\"" + KEY + "\":\"" + format(mark) + "\",\"run_id\":\"" + runId + "\"}";
  }

  /**
   * The mark as an ISO-8601 instant in UTC ({@code 2018-10-02T00:18:50Z}): the same instant whatever the
   * writer's or the reader's JVM time zone (SPEC §10); empty for no mark.
   */
  static String format(Timestamp mark) {
    return mark == null ? "" : mark.toInstant().toString();
  }

  /**
   * Reads {@link #format}; a mark written before it ({@code Timestamp.toString}, zone-less) is read the way it
   * was written, in this JVM's zone, which the launchers pin to UTC.
   */
  static Timestamp parse(String value) {
    if (value.isEmpty()) {
      return null;
    }
    return value.endsWith("Z") ? Timestamp.from(Instant.parse(value)) : Timestamp.valueOf(value);
  }

  /** The mark of the latest commit that recorded one; null when none did. */
  public static Timestamp read(SparkSession spark, String path) {
    for (String metadata : DeltaTables.userMetadata(spark, path)) {
      Matcher m = VALUE.matcher(metadata);
      if (m.find()) {
        return parse(m.group(1));
      }
    }
    return null;
  }
}
