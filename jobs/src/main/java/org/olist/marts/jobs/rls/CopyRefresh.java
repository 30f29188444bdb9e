package org.olist.marts.jobs.rls;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the rls job did to one secured copy, and the audit details it writes once.
 *
 * @param set the access set
 * @param table the mart copied
 * @param mode how the copy changed
 * @param partitions the partitions replaced (the fact's months), empty for a whole-table write
 */
public record CopyRefresh(AccessSet set, String table, Mode mode, List<String> partitions) {
  /** How a copy changed. */
  public enum Mode {
    /** The copy did not exist. */
    CREATED,
    /** Written whole: it changed, or its schema differs from the catalog. */
    REPLACED,
    /** Only the partitions whose rows changed were replaced. */
    PARTITIONS,
    /** No row changed: nothing written, so the copy's history says nothing about rows it does not hold. */
    UNCHANGED
  }

  public Map<String, String> details() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("access_set", set.name());
    out.put("states", String.join(",", set.states()));
    out.put("users", Integer.toString(set.users().size()));
    out.put("refresh", mode.name().toLowerCase());
    if (mode == Mode.PARTITIONS) {
      out.put("partitions", String.join(",", partitions));
    }
    return out;
  }
}
