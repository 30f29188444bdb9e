package org.olist.marts.jobs.marts.fact;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one load of the fact did, turned into the audit row's details in one place ({@link #details}).
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
                       Optional<LateLines> lateLines) {
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

  /** The audit details of the load; keys are stable, dashboards read them. */
  public Map<String, String> details() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("mode", mode.audit());
    window.ifPresent(w -> {
      d.put("from", w.from().toString());
      d.put("to", w.to().toString());
    });
    plan.ifPresent(p -> {
      p.monthPrints().ifPresent(m -> d.put("month_prints", m));
      if (p.monthPrints().isPresent()) {
        d.put("months_compared_by_key", String.join(",", p.monthsComparedByKey()));
      }
      d.put("rows_in_batch", Long.toString(p.rowsInBatch()));
      d.put("keys_new", Long.toString(p.keysNew()));
      d.put("keys_changed", Long.toString(p.keysChanged()));
      d.put("rows_unchanged", Long.toString(p.rowsUnchanged()));
      p.keysMissing().ifPresent(m -> d.put("keys_missing_from_snapshot", Long.toString(m)));
    });
    lateLines.ifPresent(l -> {
      d.put("late_lines", Long.toString(l.count()));
      if (!l.keys().isEmpty()) {
        d.put("late_line_keys", String.join(",", l.keys()));
      }
    });
    if (mode != LoadMode.INITIAL_LOAD && mode != LoadMode.FULL_REFRESH) {
      d.put("rows_inserted", Long.toString(rowsInserted));
      d.put("rows_updated", Long.toString(rowsUpdated));
    }
    if (mode != LoadMode.INITIAL_LOAD && mode != LoadMode.FULL_REFRESH) {
      d.put("rows_deleted", Long.toString(rowsDeleted));
    }
    if (plan.isPresent()) {
      d.put("files_added", Long.toString(filesAdded));
      d.put("files_removed", Long.toString(filesRemoved));
    }
    if (mode != LoadMode.INITIAL_LOAD && mode != LoadMode.FULL_REFRESH) {
      d.put("partitions_touched", String.join(",", partitions));
    }
    d.put("high_water_mark", String.valueOf(highWaterMark));
    if (!phases.isEmpty()) {
      StringBuilder b = new StringBuilder();
      phases.forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(v));
      d.put("phase_ms", b.toString());
    }
    return d;
  }
}
