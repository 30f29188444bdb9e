package org.olist.marts.jobs.marts.fact;

import java.util.List;
import java.util.Optional;

/**
 * What change detection found before a MERGE: how the months were compared, the counts per kind of key, and the
 * partitions the write touches.
 *
 * @param monthPrints where the month prints came from ({@code lines:kept fact:scanned}); empty in append mode
 * @param monthsComparedByKey the months whose prints differed (a snapshot); empty in append mode
 * @param rowsInBatch lines offered to the load
 * @param keysMissing fact keys the snapshot no longer has, which the MERGE deletes; empty in append mode, which
 *     never sees them and deletes nothing
 */
public record ChangePlan(Optional<String> monthPrints, List<String> monthsComparedByKey, long rowsInBatch,
                         long keysNew, long keysChanged, long rowsUnchanged, Optional<Long> keysMissing,
                         List<String> partitions) {
  /** The keys the MERGE writes. */
  public long keysToWrite() {
    return keysNew + keysChanged;
  }

  /** The keys the MERGE deletes. */
  public long keysToDelete() {
    return keysMissing.orElse(0L);
  }

  /** A snapshot whose month prints all equal the fact's: nothing compared by key, nothing to write. */
  public static ChangePlan unchanged(String monthPrints, long rowsInBatch) {
    return new ChangePlan(Optional.of(monthPrints), List.of(), rowsInBatch, 0, 0, rowsInBatch, Optional.of(0L),
        List.of());
  }
}
