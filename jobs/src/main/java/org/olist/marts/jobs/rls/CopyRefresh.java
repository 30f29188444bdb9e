package org.olist.marts.jobs.rls;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.olist.marts.common.audit.Details;
import org.olist.marts.common.delta.KeptPrints.Print;
import org.olist.marts.jobs.warehouse.AuditDetail;

/**
 * What the rls job did to one secured copy, and the audit details it writes once.
 *
 * @param set the access set
 * @param table the mart copied
 * @param mode how the copy changed
 * @param partitions the partitions replaced (the fact's months), empty for a whole-table write
 */
public record CopyRefresh(AccessSet set, String table, Mode mode, List<String> partitions) implements Details {
  /** How a copy changed. */
  public enum Mode {
    /** The copy did not exist. */
    CREATED,
    /** Written whole: it changed, or its schema differs from the catalog. */
    REPLACED,
    /** Only the partitions whose rows changed were replaced. */
    PARTITIONS,
    /** No row changed: nothing written, so the copy's history says nothing about rows it does not hold. */
    UNCHANGED,
    /**
     * Only the rows of the persons or products the day's changes touched were derived again, and their difference
     * merged ({@link FollowedCopies}).
     */
    CHANGES;

    /** The mode as the audit row's {@link AuditDetail#REFRESH} says it. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What to do with one set's copy: create it when it does not exist ({@code before} empty); leave it when no
   * partition's print changed; replace it whole when it is unpartitioned or its schema differs from the catalog;
   * otherwise replace only the partitions whose prints changed (appeared, vanished or differ).
   */
  static CopyRefresh plan(AccessSet set, String table, boolean partitioned, boolean schemaDiffers,
                          Map<String, Print> now, Optional<Map<String, Print>> before) {
    if (before.isEmpty()) {
      return new CopyRefresh(set, table, Mode.CREATED, List.of());
    }
    Set<String> changed = new TreeSet<>(now.keySet());
    changed.addAll(before.get().keySet());
    changed.removeIf(p -> Objects.equals(now.get(p), before.get().get(p)));
    Mode mode = changed.isEmpty() ? Mode.UNCHANGED : !partitioned || schemaDiffers ? Mode.REPLACED : Mode.PARTITIONS;
    return new CopyRefresh(set, table, mode, List.copyOf(changed));
  }

  @Override
  public Map<String, String> asMap() {
    return Details.of(AuditDetail.ACCESS_SET, set.name(), AuditDetail.STATES, String.join(",", set.states()),
        AuditDetail.USERS, set.users().size(), AuditDetail.REFRESH, mode.word(),
        AuditDetail.PARTITIONS, mode == Mode.PARTITIONS ? String.join(",", partitions) : null);
  }
}
