package org.olist.marts.common.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.olist.marts.common.audit.Details;
import org.olist.marts.common.audit.RunDetail;
import org.olist.marts.common.io.Digests;

/**
 * What a table's version was built from, recorded with it (issue 33: a day's run costs what the day changed): the
 * inputs read (a source file's checksum, the upstream tables' versions) and a print of the rules that shaped it (the
 * contracts, the settings that change its rows). A job whose inputs are those its table's published version was built
 * from leaves the table as it is ({@link JobContext#reuse}): the same inputs under the same rules give the same
 * rows, so nothing is read or written again.
 *
 * @param print the inputs and rules in one line, compared as a whole ({@code staging/stg_orders@4,... rules:1f2e})
 */
public record Inputs(String print) implements Details {
  /** The input that names the build of the code ({@code CodeVersion}). */
  public static final String CODE = "code";
  private static final String RULES = " rules:";

  /** The inputs {@code parts} (name to version or checksum), sorted by name, shaped by {@code rules}. */
  public static Inputs of(Map<String, String> parts, Object... rules) {
    SortedMap<String, String> sorted = new TreeMap<>(parts);
    return new Inputs(sorted.entrySet().stream().map(e -> e.getKey() + "@" + e.getValue())
        .collect(Collectors.joining(",")) + RULES + rulesPrint(rules));
  }

  /** A short digest of the rules' text (their {@code toString}), so a changed contract or setting reads as new. */
  static String rulesPrint(Object... rules) {
    StringBuilder text = new StringBuilder();
    for (Object rule : rules) {
      text.append(rule).append('\n');
    }
    return Digests.sha256Hex(text.toString(), 8);
  }

  /** What differs from the inputs printed as {@code before}: the inputs that changed, appeared or went, the rules. */
  public String changesFrom(String before) {
    Map<String, String> was = parts(before);
    Map<String, String> now = parts(print);
    List<String> changes = new ArrayList<>();
    Set<String> names = new TreeSet<>(was.keySet());
    names.addAll(now.keySet());
    for (String name : names) {
      String a = was.get(name);
      String b = now.get(name);
      if (a == null) {
        changes.add(name + " is new");
      } else if (b == null) {
        changes.add(name + " is no longer read");
      } else if (!a.equals(b)) {
        changes.add(a.length() + b.length() <= 24 ? name + " " + a + " -> " + b : name + " changed");
      }
    }
    if (!rules(before).equals(rules(print))) {
      changes.add("the rules changed");
    }
    return changes.isEmpty() ? "none" : String.join(", ", changes);
  }

  /**
   * Whether the inputs printed as {@code before} were read under the same rules by the same build of the code, so
   * that only the inputs' versions differ: what changed in them is then all that changed.
   */
  public boolean sameRulesAndCode(String before) {
    return rules(before).equals(rules(print)) && Objects.equals(parts(before).get(CODE), parts(print).get(CODE));
  }

  /** The inputs printed as {@code print} without their rules: what two builds under different rules may share. */
  public static String versionsIn(String print) {
    int at = print.lastIndexOf(RULES);
    return at < 0 ? print : print.substring(0, at);
  }

  /** The version (or checksum) of {@code input} in the inputs printed as {@code print}; empty when not read. */
  public static Optional<String> versionIn(String print, String input) {
    return Optional.ofNullable(parts(print).get(input));
  }

  private static String rules(String print) {
    int at = print.lastIndexOf(RULES);
    return at < 0 ? "" : print.substring(at + RULES.length());
  }

  private static Map<String, String> parts(String print) {
    int at = print.lastIndexOf(RULES);
    String inputs = at < 0 ? print : print.substring(0, at);
    Map<String, String> out = new TreeMap<>();
    for (String part : inputs.split(",")) {
      int sep = part.lastIndexOf('@');
      if (sep > 0) {
        out.put(part.substring(0, sep), part.substring(sep + 1));
      }
    }
    return out;
  }

  @Override
  public Map<String, String> asMap() {
    return Details.of(RunDetail.INPUTS, print);
  }
}
