package org.olist.marts.jobs.rls;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.olist.marts.common.OlistException;

/**
 * Trino's file-based access rules generated from the seeds (SPEC §5): the admin reads everything; each user reads
 * only the schema of their access set ({@code olist.secure_<set>}), whose tables hold nothing else, and the base marts
 * that hold nothing of anyone's ({@code olist.marts.dim_date}); everybody else
 * (a user without mapping, a removed user) reads nothing. Other users' queries, the {@code system} catalog and the
 * base marts are the admin's alone. Trino reloads the file while running ({@code security.refresh-period}), so a
 * run of the rls job adds or removes a user without a restart.
 */
public final class TrinoAccessRules {
  /** The file's name under the warehouse's {@code secure/} directory. */
  public static final String FILE = "_trino_access_rules.json";
  /** The Trino catalog that reads the warehouse (scripts/trino.sh). */
  public static final String CATALOG = "olist";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private TrinoAccessRules() {
  }

  /** The Trino schema of the base marts (the admin's, but for the shared marts). */
  public static final String MARTS_SCHEMA = "marts";

  /**
   * The rules as JSON; {@code shared}: base marts that hold nothing of anyone's, which every mapped user reads
   * ({@code dim_date}).
   */
  public static String json(List<AccessSet> sets, String admin, List<String> shared) {
    String adminUser = exactly(List.of(admin));
    SortedSet<String> mapped = new TreeSet<>();
    sets.forEach(s -> mapped.addAll(s.users()));
    if (mapped.contains(admin.toLowerCase())) {
      throw new OlistException("Cannot generate the Trino access rules: the admin user '" + admin
          + "' is also a seed user (the admin reads the base marts; choose another olist.rls.trino-admin)");
    }
    String anyMapped = exactly(mapped);
    Map<String, SortedSet<String>> statesBySchema = new TreeMap<>();
    for (AccessSet set : sets) {
      SortedSet<String> other = statesBySchema.putIfAbsent(set.schema(), set.states());
      if (other != null) {
        throw new OlistException("Cannot generate the Trino access rules: two access sets (states " + other
            + " and " + set.states() + ") would share the schema " + set.schema());
      }
    }

    List<Map<String, Object>> catalogs = new ArrayList<>();
    catalogs.add(rule("user", adminUser, "catalog", ".*", "allow", "all"));
    catalogs.add(rule("user", anyMapped, "catalog", CATALOG, "allow", "read-only"));
    catalogs.add(rule("catalog", ".*", "allow", "none"));

    List<Map<String, Object>> schemas = List.of(
        rule("user", adminUser, "schema", ".*", "owner", true),
        rule("schema", ".*", "owner", false));

    List<Map<String, Object>> tables = new ArrayList<>();
    tables.add(rule("user", adminUser,
        "privileges", List.of("SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP", "GRANT_SELECT")));
    for (AccessSet set : sets) {
      tables.add(rule("user", exactly(set.users()), "catalog", CATALOG, "schema", set.schema(),
          "privileges", List.of("SELECT")));
    }
    for (String table : shared) {
      tables.add(rule("user", anyMapped, "catalog", CATALOG, "schema", MARTS_SCHEMA, "table", table,
          "privileges", List.of("SELECT")));
    }
    tables.add(rule("privileges", List.of()));

    Map<String, Object> rules = new LinkedHashMap<>();
    rules.put("catalogs", catalogs);
    rules.put("schemas", schemas);
    rules.put("tables", tables);
    rules.put("procedures", List.of(rule("user", adminUser, "catalog", ".*", "schema", ".*", "procedure", ".*",
        "privileges", List.of("EXECUTE"))));
    rules.put("queries", List.of(rule("user", adminUser, "allow", List.of("execute", "kill", "view")),
        rule("allow", List.of("execute"))));
    rules.put("system_information", List.of(rule("user", adminUser, "allow", List.of("read", "write"))));
    try {
      return JSON.writeValueAsString(rules);
    } catch (JsonProcessingException e) {
      throw new OlistException("Cannot write the Trino access rules: " + e.getMessage(), e);
    }
  }

  /** A regular expression that matches exactly these user names, in any case (Trino matches the whole name). */
  static String exactly(Iterable<String> users) {
    List<String> quoted = new ArrayList<>();
    users.forEach(u -> quoted.add(Pattern.quote(u)));
    return "(?i)(" + quoted.stream().collect(Collectors.joining("|")) + ")";
  }

  private static Map<String, Object> rule(Object... keyValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      out.put((String) keyValues[i], keyValues[i + 1]);
    }
    return out;
  }
}
