package org.olist.marts.jobs.marts.fact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.TimeZone;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** SPEC §10: the mark means the same instant to a writer and a reader in different JVM time zones. */
class HighWaterMarkTest {
  private static <T> T inZone(String zone, Supplier<T> action) {
    TimeZone before = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone(zone));
    try {
      return action.get();
    } finally {
      TimeZone.setDefault(before);
    }
  }

  @Test
  void aMarkWrittenInOneZoneIsReadAsTheSameInstantInAnother() {
    Timestamp mark = Timestamp.from(Instant.parse("2018-10-02T00:18:50.123456Z"));
    mark.setNanos(123_456_000);
    String written = inZone("America/Sao_Paulo", () -> HighWaterMark.format(mark));
    assertEquals("2018-10-02T00:18:50.123456Z", written);
    Timestamp read = inZone("Asia/Tokyo", () -> HighWaterMark.parse(written));
    assertEquals(mark.toInstant(), read.toInstant());
    assertEquals(mark.getNanos(), read.getNanos());
  }

  @Test
  void noMarkAndAMarkOfAnEarlierVersionStillRead() {
    assertEquals("", HighWaterMark.format(null));
    assertNull(HighWaterMark.parse(""));
    assertEquals(Timestamp.valueOf("2018-10-02 00:18:50"), HighWaterMark.parse("2018-10-02 00:18:50.0"));
  }
}
