package org.olist.marts.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.olist.marts.common.OlistException;

class JobOptionsTest {
  private static final Set<String> EXTRA = Set.of("--scale", "--seed", "--out", "--as-of");

  @Test
  void aJobsOwnOptionsAreTypedWhereTheyAreParsed() {
    JobOptions options = JobOptions.parse(new String[] {"--scale", "0.5", "--out", "/tmp/x", "--as-of",
        "2018-03-31", "--warehouse", "/tmp/wh"}, EXTRA);
    assertEquals(0.5, options.decimal("--scale", 0.01));
    assertEquals(42, options.integer("--seed", 42));
    assertEquals("/tmp/x", options.required("--out", "DIR"));
    assertEquals(Optional.of(LocalDate.of(2018, 3, 31)), options.date("--as-of"));
    assertEquals("fallback", options.text("--seed", "fallback"));
  }

  @Test
  void aBadOrMissingValueNamesTheOption() {
    JobOptions bad = JobOptions.parse(new String[] {"--scale", "big", "--seed", "1.5", "--as-of", "31/03/2018"},
        EXTRA);
    assertEquals("Cannot parse arguments: --scale expects a number, got 'big'",
        assertThrows(OlistException.class, () -> bad.decimal("--scale", 1)).getMessage());
    assertEquals("Cannot parse arguments: --seed expects a whole number, got '1.5'",
        assertThrows(OlistException.class, () -> bad.integer("--seed", 1)).getMessage());
    assertEquals("Cannot parse arguments: --as-of expects a date (yyyy-MM-dd), got '31/03/2018'",
        assertThrows(OlistException.class, () -> bad.date("--as-of")).getMessage());
    assertEquals("Cannot parse arguments: --out DIR is required",
        assertThrows(OlistException.class, () -> bad.required("--out", "DIR")).getMessage());
    assertEquals("Cannot parse arguments: unknown option '--sclae'",
        assertThrows(OlistException.class, () -> JobOptions.parse(new String[] {"--sclae", "1"}, EXTRA))
            .getMessage());
  }
}
