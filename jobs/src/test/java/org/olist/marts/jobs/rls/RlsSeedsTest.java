package org.olist.marts.jobs.rls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.olist.marts.common.catalog.ModelCatalog;
import org.olist.marts.jobs.testing.OlistData;

class RlsSeedsTest {
  private static final List<String> STATES = ModelCatalog.get().stateCodes();
  private static final List<String> GROUPS = List.of("access_group,state_code", "SUL,PR", "SUL,RS", "SUL,SC",
      "NATIONAL,SP");

  private static RlsSeeds.Validated validate(List<String> users, List<String> groups) {
    return RlsSeeds.validate(users, groups, STATES);
  }

  @Test
  void normalisesAndBuilds() {
    RlsSeeds.Validated v = validate(List.of("user_email,access_group,access_level",
        " Ana@Olist.com ,sul,Regional_Manager ", "ana@olist.com,NATIONAL,director"), GROUPS);
    assertEquals(List.of(), v.problems());
    assertEquals("ana@olist.com", v.users().get(0).email());
    assertEquals("SUL", v.users().get(0).group());
    assertEquals("regional_manager", v.users().get(0).level(), "a declared level, in the seed's word");
    assertEquals(2, v.users().size(), "a user may have several groups");
    assertEquals(4, v.bridge().size());
  }

  @Test
  void reportsEveryProblemWithItsLine() {
    RlsSeeds.Validated v = validate(
        List.of("user_email,access_group,access_level", "not-an-email,SUL,x", "bob@olist.com,NORTE,x",
            "carl@olist.com,SUL,x", "carl@olist.com,SUL,x"),
        List.of("access_group,state_code", "SUL,PR", "SUL,ZZ", "SUL,PR"));
    List<String> p = v.problems();
    assertTrue(p.contains("rls_users.csv line 2: unknown access_level 'x' (one of executive, director, "
        + "regional_manager, analyst)"), p.toString());
    assertTrue(p.contains("rls_access_groups.csv line 3: unknown state code 'ZZ' for group SUL"), p.toString());
    assertTrue(p.contains("rls_access_groups.csv line 4: duplicate row SUL,PR (first at line 2)"), p.toString());
    assertTrue(p.contains("rls_users.csv line 2: malformed email 'not-an-email'"), p.toString());
    assertTrue(p.contains("rls_users.csv line 3: access group NORTE has no states in rls_access_groups.csv"),
        p.toString());
    assertTrue(p.contains("rls_users.csv line 5: duplicate row for carl@olist.com in group SUL (first at line 4)"),
        p.toString());
  }

  @Test
  void refusesBadHeadersAndShortRows() {
    RlsSeeds.Validated v = validate(List.of("email,group", "a@b.com"), List.of());
    assertTrue(v.problems().stream().anyMatch(s -> s.startsWith("rls_access_groups.csv: empty file")));
    assertTrue(v.problems().stream().anyMatch(s -> s.startsWith("rls_users.csv line 1: header")));
    assertTrue(v.problems().stream().anyMatch(s -> s.startsWith("rls_users.csv line 2: expected")));
  }

  @Test
  void theShippedSeedsAreValidAndCoverEveryState() throws Exception {
    Path seeds = OlistData.sample().getParent().resolve("seeds");
    RlsSeeds.Validated v = validate(Files.readAllLines(seeds.resolve(RlsSeeds.USERS_FILE)),
        Files.readAllLines(seeds.resolve(RlsSeeds.GROUPS_FILE)));
    assertEquals(List.of(), v.problems());
    assertEquals(27, v.bridge().stream().filter(b -> b.group().equals("NATIONAL")).count());
    assertEquals(54, v.bridge().size(), "the five regions partition the 27 states, plus NATIONAL");
  }
}
