package org.olist.marts.common.job;

/** What one table write produced. */
public record TableResult(String table, long rows, long deltaVersion, long millis) {
}
