package org.olist.marts.common.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The build of the code is an input of every table (issue 33): a new jar rebuilds once. */
class CodeVersionTest {
  @Test
  void aBuildIsNamedByTheDigestOfWhereItsClassesLive() {
    String version = CodeVersion.of(CodeVersionTest.class);
    assertTrue(version.matches("[0-9a-f]{16}"), version);
    assertEquals(version, CodeVersion.of(CodeVersionTest.class), "the same build, the same name");
    assertEquals(CodeVersion.UNKNOWN, CodeVersion.of(String.class), "the JDK's classes have no file location");
  }

  @Test
  void everyInputsOfAJobNameItsBuild() {
    Inputs inputs = Inputs.of(Map.of(Inputs.CODE, CodeVersion.of(CodeVersionTest.class)), "rules");
    assertTrue(inputs.print().startsWith(Inputs.CODE + "@" + CodeVersion.of(CodeVersionTest.class) + " rules:"),
        inputs.print());
  }
}
