package org.olist.marts.common.job;

/**
 * One table a job published: the rows recorded for it ({@code rows}, the audit row's {@code rows_out}), the rows this
 * run's commit wrote ({@code rowsWritten}: every row of an overwrite, only those inserted, updated or deleted by a
 * MERGE, none when nothing was committed), its Delta version and write time; {@code unchanged} when its inputs were
 * those of its published version, which is published again without a commit. A day's run that changed a few keys of
 * a large table thus reports a few rows written, not the table.
 */
public record TableResult(String table, long rows, long rowsWritten, long deltaVersion, long millis,
                          boolean unchanged) {
}
