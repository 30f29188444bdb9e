package org.olist.marts.jobs.rls;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The declared roles of {@code rls_users.csv} (SPEC §5). A role labels a user; it grants nothing by itself (the
 * access groups do), which is why an unknown word is a seed error rather than a silent new role.
 */
public enum AccessLevel {
  EXECUTIVE, DIRECTOR, REGIONAL_MANAGER, ANALYST;

  /** The word the seed uses. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The level the seed calls {@code word} (case and surrounding blanks ignored). */
  public static Optional<AccessLevel> of(String word) {
    String w = word.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(l -> l.word().equals(w)).findFirst();
  }

  /** "executive, director, …" for error messages. */
  public static String words() {
    return Arrays.stream(values()).map(AccessLevel::word).collect(Collectors.joining(", "));
  }
}
