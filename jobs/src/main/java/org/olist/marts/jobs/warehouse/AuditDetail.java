package org.olist.marts.jobs.warehouse;

import org.olist.marts.common.audit.DetailKey;

/**
 * The one home of the audit details the jobs write ({@code audit/job_runs.details}) and that readers (the status
 * job's SLIs, dashboards, tests) look up: each writer's typed details record builds its map from these keys, and
 * readers name them here instead of spelling the words again. The details every row carries are
 * {@link org.olist.marts.common.audit.RunDetail}'s; what a partial write changed (rows inserted, files removed) are
 * {@link org.olist.marts.common.audit.WriteDetail}'s.
 */
public enum AuditDetail implements DetailKey {
  // staging: one staged source file
  SOURCE_FILE("source_file"),
  RAW_ROWS("raw_rows"),
  PARSER_RECORDS("parser_records"),
  QUARANTINED("quarantined"),
  EXACT_DUPLICATES("exact_duplicates"),
  CONFLICTING_KEY_ROWS("conflicting_key_rows"),
  /** The source a quarantine table holds the rejected rows of. */
  SOURCE("source"),
  // intermediate: the order lines' coverage of the orders
  ORDERS_WITHOUT_ITEMS("orders_without_items"),
  ITEMS_WITHOUT_ORDER("items_without_order"),
  // marts: the fact load and the dimensions' upserts
  /** How the table was loaded: a {@code LoadMode} word for the fact, {@code upsert} for an append-mode dimension. */
  MODE("mode"),
  FROM("from"),
  TO("to"),
  MONTH_PRINTS("month_prints"),
  MONTHS_COMPARED_BY_KEY("months_compared_by_key"),
  ROWS_IN_BATCH("rows_in_batch"),
  KEYS_NEW("keys_new"),
  KEYS_CHANGED("keys_changed"),
  KEYS_MISSING_FROM_SNAPSHOT("keys_missing_from_snapshot"),
  LATE_LINES("late_lines"),
  LATE_LINE_KEYS("late_line_keys"),
  PARTITIONS_TOUCHED("partitions_touched"),
  HIGH_WATER_MARK("high_water_mark"),
  PHASE_MS("phase_ms"),
  // rls: the security tables and the secured copies
  SEED("seed"),
  ACCESS_SET("access_set"),
  STATES("states"),
  USERS("users"),
  REFRESH("refresh"),
  PARTITIONS("partitions"),
  // test
  TEST("test"),
  // status
  LAST_ATTEMPT_STATUS("last_attempt_status"),
  SLO_BREACHES("slo_breaches"),
  // maintain
  OPERATION("operation"),
  TABLES("tables"),
  SECONDS("seconds");

  private final String key;

  AuditDetail(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }
}
