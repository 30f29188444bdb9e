package org.olist.marts.jobs.marts.fact;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.olist.marts.common.audit.Details;
import org.olist.marts.common.audit.WriteDetail;
import org.olist.marts.jobs.warehouse.AuditDetail;
import org.olist.marts.jobs.warehouse.LoadMode;

/**
 * What one load of the fact did, turned into the audit row's details in one place ({@link #asMap}).
 *
 * @param plan the change detection of a MERGE; empty for a rebuild or a backfill
 * @param window the backfill's purchase-date window; empty otherwise
 * @param rowsWritten rows inserted and updated (all rows for a rebuild)
 * @param rowsDeleted rows deleted: a backfill's lines gone from the window, a snapshot's lines gone from it
 * @param phases milliseconds per phase, in order
 * @param lateLines append mode: the batch's lines older than the lookback, loaded all the same
 */
public record FactLoad(LoadMode mode, Optional<ChangePlan> plan, Optional<Window> window, long rowsWritten,
                       long rowsInserted, long rowsUpdated, long rowsDeleted, long filesAdded, long filesRemoved,
                       List<String> partitions, Timestamp highWaterMark, long deltaVersion, Map<String, Long> phases,
                       Optional<LateLines> lateLines) implements Details {
  /** A backfill's inclusive purchase-date window. */
  public record Window(LocalDate from, LocalDate to) {
  }

  /**
   * Append mode: how many lines of the batch were updated at or before the high-water mark minus the lookback, and
   * the first of their keys ({@code order_id/order_item_id}).
   */
  public record LateLines(long count, List<String> keys) {
    /** How many late keys the log and the audit row name. */
    public static final int KEYS_SHOWN = 20;
  }

  /** This load with the batch's late lines (append mode). */
  public FactLoad withLateLines(Optional<LateLines> late) {
    return new FactLoad(mode, plan, window, rowsWritten, rowsInserted, rowsUpdated, rowsDeleted, filesAdded,
        filesRemoved, partitions, highWaterMark, deltaVersion, phases, late);
  }

  /** A rebuild, described before its write (the overwrite records the version and the rows it wrote). */
  public static FactLoad rebuild(LoadMode mode, Timestamp highWaterMark) {
    return new FactLoad(mode, Optional.empty(), Optional.empty(), 0, 0, 0, 0, 0, 0, List.of(), highWaterMark, -1,
        Map.of(), Optional.empty());
  }

  /** A MERGE that found nothing to write: no commit, the mark unchanged. */
  public static FactLoad unchanged(LoadMode mode, ChangePlan plan, Timestamp highWaterMark, long version,
                                   Map<String, Long> phases) {
    return new FactLoad(mode, Optional.of(plan), Optional.empty(), 0, 0, 0, 0, 0, 0, List.of(), highWaterMark,
        version, phases, Optional.empty());
  }

  /** The audit details of the load ({@link AuditDetail} keys; dashboards read them). */
  @Override
  public Map<String, String> asMap() {
    boolean rebuilt = mode == LoadMode.INITIAL_LOAD || mode == LoadMode.FULL_REFRESH;
    Map<String, String> d = new LinkedHashMap<>(Details.of(AuditDetail.MODE, mode.audit(),
        AuditDetail.FROM, window.map(w -> w.from().toString()).orElse(null),
        AuditDetail.TO, window.map(w -> w.to().toString()).orElse(null)));
    plan.ifPresent(p -> d.putAll(Details.of(
        AuditDetail.MONTH_PRINTS, p.monthPrints().orElse(null),
        AuditDetail.MONTHS_COMPARED_BY_KEY, p.monthPrints().isPresent() ? String.join(",", p.monthsComparedByKey())
            : null,
        AuditDetail.ROWS_IN_BATCH, p.rowsInBatch(),
        AuditDetail.KEYS_NEW, p.keysNew(),
        AuditDetail.KEYS_CHANGED, p.keysChanged(),
        WriteDetail.ROWS_UNCHANGED, p.rowsUnchanged(),
        AuditDetail.KEYS_MISSING_FROM_SNAPSHOT, p.keysMissing().orElse(null))));
    lateLines.ifPresent(l -> d.putAll(Details.of(AuditDetail.LATE_LINES, l.count(),
        AuditDetail.LATE_LINE_KEYS, l.keys().isEmpty() ? null : String.join(",", l.keys()))));
    if (!rebuilt) {
      d.putAll(Details.of(WriteDetail.ROWS_INSERTED, rowsInserted, WriteDetail.ROWS_UPDATED, rowsUpdated,
          WriteDetail.ROWS_DELETED, rowsDeleted));
    }
    if (plan.isPresent()) {
      d.putAll(Details.of(WriteDetail.FILES_ADDED, filesAdded, WriteDetail.FILES_REMOVED, filesRemoved));
    }
    if (!rebuilt) {
      d.putAll(Details.of(AuditDetail.PARTITIONS_TOUCHED, String.join(",", partitions)));
    }
    d.putAll(Details.of(AuditDetail.HIGH_WATER_MARK, String.valueOf(highWaterMark)));
    if (!phases.isEmpty()) {
      StringBuilder b = new StringBuilder();
      phases.forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(v));
      d.putAll(Details.of(AuditDetail.PHASE_MS, b));
    }
    return d;
  }
}
