package org.olist.marts.common.job;

/**
 * One table a job published: its rows, Delta version and write time; {@code unchanged} when its inputs were those
 * of its published version, which is published again without a commit.
 */
public record TableResult(String table, long rows, long deltaVersion, long millis, boolean unchanged) {
}
