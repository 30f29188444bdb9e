package org.olist.marts.jobs.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NormalizationsTest {
  @Test
  void theTrimmedCharactersAreExactlyTheWhiteSpacePattern() {
    Pattern white = Pattern.compile(Normalizations.WHITE);
    List<String> mismatches = new ArrayList<>();
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      String s = String.valueOf((char) c);
      if (white.matcher(s).matches() != (Normalizations.WHITE_SPACE.indexOf(c) >= 0)) {
        mismatches.add(String.format("U+%04X", c));
      }
    }
    assertEquals(List.of(), mismatches);
  }
}
