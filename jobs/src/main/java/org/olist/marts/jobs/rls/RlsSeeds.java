package org.olist.marts.jobs.rls;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.audit.Details;
import org.olist.marts.common.io.CsvLine;
import org.olist.marts.common.io.SideFiles;
import org.olist.marts.jobs.warehouse.AuditDetail;

/**
 * Validation of the two RLS seeds (SPEC §5), as plain data: every problem is reported with its file and line,
 * and nothing is built unless there is none. Emails are lower-cased; group names and state codes upper-cased.
 */
public final class RlsSeeds {
  public static final String USERS_FILE = "rls_users.csv";
  public static final String GROUPS_FILE = "rls_access_groups.csv";
  public static final List<String> USERS_HEADER = List.of("user_email", "access_group", "access_level");
  public static final List<String> GROUPS_HEADER = List.of("access_group", "state_code");
  private static final Pattern EMAIL = Pattern.compile("^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$");

  public record User(String email, String group, String level) {
  }

  public record GroupState(String group, String state) {
  }

  /** Validated seeds, or the list of problems. */
  /** The security tables' audit row: the seed directory they were built from. */
  public record Seeded(String directory) implements Details {
    @Override
    public Map<String, String> asMap() {
      return Details.of(AuditDetail.SEED, directory);
    }
  }

  public record Validated(List<User> users, List<GroupState> bridge, List<String> problems) {
  }

  /** The seeds as loaded from their directory: validated, with the count of data lines each file had. */
  public record Loaded(String directory, Validated validated, long userLines, long groupLines) {
  }

  private RlsSeeds() {
  }

  /**
   * Reads both seed files of {@code directory} and validates them; any problem fails before anything is written,
   * listing every problem with its file and line.
   */
  public static Loaded load(String directory, Configuration conf, List<String> stateCodes) {
    List<String> users = lines(directory + "/" + USERS_FILE, conf);
    List<String> groups = lines(directory + "/" + GROUPS_FILE, conf);
    Validated v = validate(users, groups, stateCodes);
    if (!v.problems().isEmpty()) {
      throw new OlistException("Cannot build the RLS tables from " + directory + ": " + String.join("; ",
          v.problems()) + ". Nothing was written.");
    }
    return new Loaded(directory, v, users.size() - 1L, groups.size() - 1L);
  }

  private static List<String> lines(String file, Configuration conf) {
    try {
      return SideFiles.read(file, conf)
          .orElseThrow(() -> new OlistException("Cannot build the RLS tables: seed file " + file + " is missing (set "
              + "olist.rls.seeds or OLIST_RLS_SEEDS to the seed directory)"))
          .lines().toList();
    } catch (IOException e) {
      throw new OlistException("Cannot read seed file " + file + ": " + e.getMessage(), e);
    }
  }

  /** {@code lines} are the files' lines (header first), as read. */
  public static Validated validate(List<String> userLines, List<String> groupLines, List<String> stateCodes) {
    List<String> problems = new ArrayList<>();
    List<GroupState> bridge = new ArrayList<>();
    Map<String, Integer> seenBridge = new HashMap<>();
    checkHeader(GROUPS_FILE, groupLines, GROUPS_HEADER, problems);
    for (int i = 1; i < groupLines.size(); i++) {
      String line = groupLines.get(i);
      if (line.isBlank()) {
        continue;
      }
      List<String> f = fields(line);
      String where = GROUPS_FILE + " line " + (i + 1);
      if (f.size() != 2 || f.get(0).isEmpty() || f.get(1).isEmpty()) {
        problems.add(where + ": expected access_group,state_code, got '" + line + "'");
        continue;
      }
      GroupState gs = new GroupState(f.get(0).toUpperCase(Locale.ROOT), f.get(1).toUpperCase(Locale.ROOT));
      if (!stateCodes.contains(gs.state())) {
        problems.add(where + ": unknown state code '" + f.get(1) + "' for group " + gs.group());
      }
      Integer first = seenBridge.putIfAbsent(gs.group() + "," + gs.state(), i + 1);
      if (first != null) {
        problems.add(where + ": duplicate row " + gs.group() + "," + gs.state() + " (first at line " + first + ")");
        continue;
      }
      bridge.add(gs);
    }
    Set<String> groups = new LinkedHashSet<>();
    bridge.forEach(b -> groups.add(b.group()));

    List<User> users = new ArrayList<>();
    Map<String, Integer> seenUsers = new LinkedHashMap<>();
    checkHeader(USERS_FILE, userLines, USERS_HEADER, problems);
    for (int i = 1; i < userLines.size(); i++) {
      String line = userLines.get(i);
      if (line.isBlank()) {
        continue;
      }
      List<String> f = fields(line);
      String where = USERS_FILE + " line " + (i + 1);
      if (f.size() != 3 || f.stream().anyMatch(String::isEmpty)) {
        problems.add(where + ": expected user_email,access_group,access_level, got '" + line + "'");
        continue;
      }
      Optional<AccessLevel> level = AccessLevel.of(f.get(2));
      User u = new User(f.get(0).toLowerCase(Locale.ROOT), f.get(1).toUpperCase(Locale.ROOT),
          level.map(AccessLevel::word).orElse(f.get(2)));
      if (!EMAIL.matcher(u.email()).matches()) {
        problems.add(where + ": malformed email '" + f.get(0) + "'");
      }
      if (level.isEmpty()) {
        problems.add(where + ": unknown access_level '" + f.get(2) + "' (one of " + AccessLevel.words() + ")");
      }
      if (!groups.contains(u.group())) {
        problems.add(where + ": access group " + u.group() + " has no states in " + GROUPS_FILE);
      }
      Integer first = seenUsers.putIfAbsent(u.email() + "," + u.group(), i + 1);
      if (first != null) {
        problems.add(where + ": duplicate row for " + u.email() + " in group " + u.group() + " (first at line "
            + first + ")");
        continue;
      }
      users.add(u);
    }
    if (users.isEmpty() && problems.isEmpty()) {
      problems.add(USERS_FILE + ": no users");
    }
    return new Validated(users, bridge, problems);
  }

  private static void checkHeader(String file, List<String> lines, List<String> expected, List<String> problems) {
    if (lines.isEmpty()) {
      problems.add(file + ": empty file (expected header " + String.join(",", expected) + ")");
      return;
    }
    List<String> header = fields(lines.get(0).replace("\uFEFF", ""));
    if (!header.equals(expected)) {
      problems.add(file + " line 1: header " + header + ", expected " + expected);
    }
  }

  static List<String> fields(String line) {
    return CsvLine.split(line.replace("\r", ""));
  }
}
