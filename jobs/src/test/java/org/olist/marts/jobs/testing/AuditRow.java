package org.olist.marts.jobs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Row;
import org.olist.marts.common.audit.DetailKey;

/**
 * The details of one table's row in {@code audit/job_runs} for one run, read by their keys' one home
 * ({@code AuditDetail}), whose assertions say which detail of which table and run differs (not just
 * {@code expected "0" but was "3"}).
 */
public record AuditRow(String table, String runId, Map<String, String> values) {
  /** The details of {@code table} ({@code <layer>/<table>}) written by run {@code runId} of the warehouse. */
  public static AuditRow of(Path warehouse, String runId, String table) {
    Row row = Objects.requireNonNull(Pipeline.audit(warehouse, runId).get(table),
        () -> "run " + runId + " recorded no write of " + table);
    return new AuditRow(table, runId, row.getJavaMap(row.fieldIndex("details")));
  }

  public String get(DetailKey key) {
    return values.get(key.key());
  }

  /** Fails unless detail {@code key} is {@code expected}, naming the detail, the table, the run and all details. */
  public void expect(DetailKey key, Object expected) {
    assertEquals(String.valueOf(expected), values.get(key.key()),
        () -> "audit detail " + key.key() + " of " + table + " in run " + runId + " (all: " + values + ")");
  }

  @Override
  public String toString() {
    return table + " in run " + runId + ": " + values;
  }
}
