package org.olist.marts.jobs.marts;

import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

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
    return "{\"" + KEY + "\":\"" + (mark == null ? "" : mark.toString()) + "\",\"run_id\":\"" + runId + "\"}";
  }

  /** The mark of the latest commit that recorded one; null when none did. */
  public static Timestamp read(SparkSession spark, String path) {
    for (Row r : DeltaTable.forPath(spark, path).history().select("version", "userMetadata")
        .filter("userMetadata is not null").orderBy(org.apache.spark.sql.functions.col("version").desc())
        .collectAsList()) {
      Matcher m = VALUE.matcher(r.getString(1));
      if (m.find()) {
        return m.group(1).isEmpty() ? null : Timestamp.valueOf(m.group(1));
      }
    }
    return null;
  }
}
