package org.olist.marts.jobs.rls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.catalog.ModelCatalog;

/** Access sets from the seeds, and the Trino rules that give each user exactly their set's schema. */
class AccessSetTest {
  private static final List<String> GROUPS = List.of("access_group,state_code", "SUL,PR", "SUL,RS", "SUL,SC",
      "SUDESTE,SP", "SUDESTE,RJ", "NATIONAL,PR", "NATIONAL,RS", "NATIONAL,SC", "NATIONAL,SP", "NATIONAL,RJ",
      "CENTRO_OESTE,DF");

  private static List<AccessSet> sets(String... users) {
    List<String> lines = new ArrayList<>(List.of("user_email,access_group,access_level"));
    lines.addAll(List.of(users));
    RlsSeeds.Validated v = RlsSeeds.validate(lines, GROUPS, ModelCatalog.get().stateCodes());
    assertEquals(List.of(), v.problems());
    return AccessSet.of(v);
  }

  @Test
  void usersWithTheSameStatesShareOneSetNamedByTheFewestGroups() {
    List<AccessSet> sets = sets("ceo@olist.com,NATIONAL,executive", "dir@olist.com,SUL,director",
        "dir@olist.com,SUDESTE,director", "sul@olist.com,SUL,regional_manager", "co@olist.com,CENTRO_OESTE,analyst",
        "both@olist.com,NATIONAL,analyst", "both@olist.com,SUL,analyst");
    Map<String, AccessSet> byName = sets.stream().collect(Collectors.toMap(AccessSet::name, s -> s));
    assertEquals(List.of("centro_oeste", "national", "sul"), List.copyOf(new TreeSet<>(byName.keySet())),
        "SUL+SUDESTE grants NATIONAL's states here, so the director shares NATIONAL's set");
    assertEquals(List.of("both@olist.com", "ceo@olist.com", "dir@olist.com"), List.copyOf(byName.get("national")
        .users()));
    assertEquals(List.of("PR", "RS", "SC"), List.copyOf(byName.get("sul").states()));
    assertEquals("secure_centro_oeste", byName.get("centro_oeste").schema());
  }

  @Test
  void aCombinationOfGroupsIsItsOwnSet() {
    List<AccessSet> sets = sets("dir@olist.com,SUL,director", "dir@olist.com,CENTRO_OESTE,director");
    assertEquals(1, sets.size());
    assertEquals("centro_oeste_sul", sets.get(0).name());
    assertEquals(List.of("DF", "PR", "RS", "SC"), List.copyOf(sets.get(0).states()));
  }

  @Test
  void theRulesGiveEachUserTheirSchemaOnlyAndEveryoneElseNothing() throws Exception {
    List<AccessSet> sets = sets("ceo@olist.com,NATIONAL,executive", "sul@olist.com,SUL,regional_manager");
    JsonNode rules = new ObjectMapper().readTree(TrinoAccessRules.json(sets, "admin", RlsJob.SHARED));
    JsonNode tables = rules.get("tables");
    assertEquals("secure_national", tables.get(1).get("schema").asText());
    assertTrue(matches(tables.get(1).get("user").asText(), "CEO@olist.com"), "user names match in any case");
    assertTrue(!matches(tables.get(1).get("user").asText(), "sul@olist.com"));
    assertTrue(!matches(tables.get(1).get("user").asText(), "ceoXolist.com"), "the dot is no wildcard");
    assertTrue(!matches(tables.get(1).get("user").asText(), "ceo@olist.com.evil"), "the whole name must match");
    assertEquals("secure_sul", tables.get(2).get("schema").asText());
    JsonNode shared = tables.get(tables.size() - 2);
    assertEquals(List.of("marts", "dim_date"), List.of(shared.get("schema").asText(), shared.get("table").asText()),
        "every mapped user reads the one base dim_date, which holds nothing of anyone's");
    assertTrue(matches(shared.get("user").asText(), "sul@olist.com") && matches(shared.get("user").asText(),
        "ceo@olist.com") && !matches(shared.get("user").asText(), "nobody@olist.com"));
    assertEquals(0, tables.get(tables.size() - 1).get("privileges").size(), "the last rule denies the rest");
    JsonNode catalogs = rules.get("catalogs");
    assertEquals("none", catalogs.get(catalogs.size() - 1).get("allow").asText(), "an unmapped user sees no catalog");
    assertTrue(!matches(catalogs.get(1).get("user").asText(), "nobody@olist.com"));
    assertEquals(List.of("execute"), List.of(rules.get("queries").get(1).get("allow").get(0).asText()),
        "others' queries are the admin's to see");

    OlistException e = assertThrows(OlistException.class, () -> TrinoAccessRules.json(sets, "ceo@olist.com", RlsJob.SHARED));
    assertTrue(e.getMessage().contains("is also a seed user"), e.getMessage());
  }

  /** GRP-X and GRP_X both read grp_x, and AC+SP and AP+SC have the same sum of hash codes. */
  @Test
  void setsWhoseGroupsReadAlikeGetDistinctNamesAndSchemas() throws Exception {
    List<String> groups = List.of("access_group,state_code", "GRP-X,AC", "GRP-X,SP", "GRP_X,AP", "GRP_X,SC");
    List<String> users = List.of("user_email,access_group,access_level", "a@olist.com,GRP-X,analyst",
        "b@olist.com,GRP_X,analyst");
    RlsSeeds.Validated v = RlsSeeds.validate(users, groups, ModelCatalog.get().stateCodes());
    assertEquals(List.of(), v.problems());
    List<AccessSet> sets = AccessSet.of(v);
    assertEquals(2, sets.size());
    assertTrue(!sets.get(0).name().equals(sets.get(1).name()), "names " + sets);
    Map<String, AccessSet> byUser = sets.stream().collect(Collectors.toMap(s -> s.users().first(), s -> s));
    assertEquals(List.of("AC", "SP"), List.copyOf(byUser.get("a@olist.com").states()));
    assertEquals(List.of("AP", "SC"), List.copyOf(byUser.get("b@olist.com").states()));
    JsonNode tables = new ObjectMapper().readTree(TrinoAccessRules.json(sets, "admin", RlsJob.SHARED)).get("tables");
    assertTrue(!tables.get(1).get("schema").asText().equals(tables.get(2).get("schema").asText()),
        "the rules grant each set its own schema");
    for (JsonNode rule : List.of(tables.get(1), tables.get(2))) {
      String schema = rule.get("schema").asText();
      assertEquals(byUser.get("a@olist.com").schema().equals(schema), matches(rule.get("user").asText(),
          "a@olist.com"), "a@olist.com reads " + schema + " only if it is their set's");
    }
  }

  @Test
  void aGroupNamedLikeAnotherSetsDisambiguatedNameIsRefusedNamingBothGroups() {
    SortedSet<String> acSp = new TreeSet<>(List.of("AC", "SP"));
    String taken = "grp_x_" + AccessSet.statesDigest(acSp);
    List<String> groups = List.of("access_group,state_code", "GRP-X,AC", "GRP-X,SP", "GRP_X,AP", "GRP_X,SC",
        taken.toUpperCase() + ",RJ");
    List<String> users = List.of("user_email,access_group,access_level", "a@olist.com,GRP-X,analyst",
        "b@olist.com,GRP_X,analyst", "c@olist.com," + taken.toUpperCase() + ",analyst");
    RlsSeeds.Validated v = RlsSeeds.validate(users, groups, ModelCatalog.get().stateCodes());
    assertEquals(List.of(), v.problems());
    OlistException e = assertThrows(OlistException.class, () -> AccessSet.of(v));
    assertTrue(e.getMessage().contains("[GRP-X]") && e.getMessage().contains("[" + taken.toUpperCase() + "]"),
        e.getMessage());
  }

  @Test
  void theRulesRefuseTwoSetsOfOneSchema() {
    List<AccessSet> twins = List.of(
        new AccessSet("x", new TreeSet<>(List.of("AC")), new TreeSet<>(List.of("a@olist.com"))),
        new AccessSet("x", new TreeSet<>(List.of("SP")), new TreeSet<>(List.of("b@olist.com"))));
    OlistException e = assertThrows(OlistException.class, () -> TrinoAccessRules.json(twins, "admin", List.of()));
    assertTrue(e.getMessage().contains("secure_x"), e.getMessage());
  }

  private static boolean matches(String regex, String user) {
    return Pattern.compile(regex).matcher(user).matches();
  }
}
