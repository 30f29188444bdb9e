package org.olist.marts.jobs.rls;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.io.Digests;

/**
 * The states a user may see, shared by every user whose access groups grant exactly those states (SPEC §5): the
 * unit the secured copies are built for. Two users in different groups with the same states (NATIONAL, or all five
 * regions) share one set, so a new user costs a copy only when their states are a new combination.
 *
 * @param name the set's name: the fewest groups of one of its users that grant it, lower-case, joined by
 *     {@code _} ({@code sudeste_sul}), followed by a digest of its states where two sets would read alike; unique
 *     among the sets (or {@link #of} refuses, naming both groups); the secured copies live in {@code secure/<name>/} and Trino's schema is
 *     {@code secure_<name>}
 * @param states the state codes, sorted
 * @param users the users' emails, sorted
 */
public record AccessSet(String name, SortedSet<String> states, SortedSet<String> users) {
  /** Trino's schema for the set's copies. */
  public static final String SCHEMA_PREFIX = "secure_";

  public String schema() {
    return SCHEMA_PREFIX + name;
  }

  /** The access sets of the validated seeds, sorted by name. */
  public static List<AccessSet> of(RlsSeeds.Validated seeds) {
    Map<String, SortedSet<String>> groupStates = new TreeMap<>();
    seeds.bridge().forEach(b -> groupStates.computeIfAbsent(b.group(), g -> new TreeSet<>()).add(b.state()));
    Map<String, SortedSet<String>> userGroups = new TreeMap<>();
    seeds.users().forEach(u -> userGroups.computeIfAbsent(u.email(), e -> new TreeSet<>()).add(u.group()));

    Comparator<SortedSet<String>> byContent = Comparator.comparing(Object::toString);
    Map<SortedSet<String>, SortedSet<String>> usersByStates = new TreeMap<>(byContent);
    Map<SortedSet<String>, SortedSet<String>> namingGroups = new TreeMap<>(byContent);
    Comparator<SortedSet<String>> fewestGroups = Comparator.<SortedSet<String>>comparingInt(Set::size)
        .thenComparing(Object::toString);
    userGroups.forEach((email, groups) -> {
      SortedSet<String> states = new TreeSet<>();
      groups.forEach(g -> states.addAll(groupStates.get(g)));
      usersByStates.computeIfAbsent(states, s -> new TreeSet<>()).add(email);
      namingGroups.merge(states, groups, (a, b) -> fewestGroups.compare(a, b) <= 0 ? a : b);
    });
    Map<String, Long> named = usersByStates.keySet().stream()
        .collect(Collectors.groupingBy(states -> name(namingGroups.get(states)), Collectors.counting()));
    Map<String, SortedSet<String>> groupsByName = new TreeMap<>();
    List<AccessSet> out = new ArrayList<>();
    usersByStates.forEach((states, users) -> {
      SortedSet<String> groups = namingGroups.get(states);
      String base = name(groups);
      // groups named A_B and A, B, or GRP-X and GRP_X, would all read alike: the states tell such sets apart
      String name = named.get(base) > 1 ? base + "_" + statesDigest(states) : base;
      SortedSet<String> clash = groupsByName.putIfAbsent(name, groups);
      if (clash != null) {
        throw new OlistException("Cannot name the access sets: the groups " + clash + " and " + groups
            + " grant different states but both name the set '" + name + "' (schema " + SCHEMA_PREFIX + name
            + "); rename one of the groups in the seeds");
      }
      out.add(new AccessSet(name, states, users));
    });
    out.sort(Comparator.comparing(AccessSet::name));
    return out;
  }

  /** Eight hex digits of the SHA-256 of the sorted states: a content digest, unlike a sum of codes' hashes. */
  static String statesDigest(SortedSet<String> states) {
    return Digests.sha256Hex(String.join(",", states), 4);
  }

  private static String name(SortedSet<String> groups) {
    return groups.stream().map(g -> g.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_"))
        .collect(Collectors.joining("_"));
  }
}
