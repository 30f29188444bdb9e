package org.olist.marts.common.delta;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.olist.marts.common.audit.Details;
import org.olist.marts.common.catalog.TableModel;

/**
 * One Delta write a job asks the write door ({@code JobContext.write}) for, beside {@link MergeSpec} for a MERGE:
 * the catalog table and where it lives, its rows, how it changes the table, and what its commit and audit row carry.
 * Built by the factories and the {@code with…} methods, so a call site names what it sets.
 *
 * @param path where the table lives (a catalog table's own path, a quarantine or secured copy's)
 * @param rows the rows; empty for {@link WriteMode#EMPTY}
 * @param replaceWhere the predicate of {@link WriteMode#REPLACE_WHERE}; empty otherwise
 * @param commitMetadata kept with the commit ({@code userMetadata}: the fact's high-water mark)
 * @param rowsIn the rows the job read to produce these (the audit row's {@code rows_in}); empty when none apply
 * @param start when the step began computing what it writes; empty: when the write begins
 * @param scope for a {@link WriteMode#SYNC} of part of a table: the keys (columns of the table) whose rows {@code rows}
 *     replace; the table's other rows are left as they are. Empty: {@code rows} are the whole table
 */
public record WriteRequest(TableModel model, String path, Optional<Dataset<Row>> rows, WriteMode mode,
                           Optional<String> replaceWhere, Optional<String> commitMetadata, Optional<Long> rowsIn,
                           Details details, Optional<Instant> start, Optional<Dataset<Row>> scope) {
  public WriteRequest {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(path, "path");
    if ((mode == WriteMode.REPLACE_WHERE) != replaceWhere.isPresent()) {
      throw new IllegalArgumentException("Cannot write " + path + ": a replaceWhere predicate goes with "
          + WriteMode.REPLACE_WHERE + " and only with it (mode " + mode + ")");
    }
    if (commitMetadata.isPresent() && mode != WriteMode.OVERWRITE && mode != WriteMode.REPLACE_WHERE) {
      throw new IllegalArgumentException("Cannot write " + path + ": commit metadata goes with an overwrite, not "
          + mode);
    }
    if (scope.isPresent() && mode != WriteMode.SYNC) {
      throw new IllegalArgumentException("Cannot write " + path + ": a scope goes with " + WriteMode.SYNC + ", not "
          + mode);
    }
    if ((mode == WriteMode.EMPTY) != rows.isEmpty()) {
      throw new IllegalArgumentException("Cannot write " + path + ": mode " + mode
          + (rows.isEmpty() ? " needs rows" : " takes no rows"));
    }
  }

  /** Replaces every row of the table at {@code path}. */
  public static WriteRequest overwrite(TableModel model, String path, Dataset<Row> rows) {
    return new WriteRequest(model, path, Optional.of(rows), WriteMode.OVERWRITE, Optional.empty(), Optional.empty(),
        Optional.empty(), Details.NONE, Optional.empty(), Optional.empty());
  }

  /** Replaces the rows {@code predicate} selects (the changed partitions of a copy, say). */
  public static WriteRequest replaceWhere(TableModel model, String path, Dataset<Row> rows, String predicate) {
    return new WriteRequest(model, path, Optional.of(rows), WriteMode.REPLACE_WHERE, Optional.of(predicate),
        Optional.empty(), Optional.empty(), Details.NONE, Optional.empty(), Optional.empty());
  }

  /** Makes the table hold exactly {@code rows}, writing only their difference with it ({@link WriteMode#SYNC}). */
  public static WriteRequest sync(TableModel model, String path, Dataset<Row> rows) {
    return new WriteRequest(model, path, Optional.of(rows), WriteMode.SYNC, Optional.empty(), Optional.empty(),
        Optional.empty(), Details.NONE, Optional.empty(), Optional.empty());
  }

  /** Adds rows to the table. */
  public static WriteRequest append(TableModel model, String path, Dataset<Row> rows) {
    return new WriteRequest(model, path, Optional.of(rows), WriteMode.APPEND, Optional.empty(), Optional.empty(),
        Optional.empty(), Details.NONE, Optional.empty(), Optional.empty());
  }

  /** Leaves the table empty in one commit (creating it from the catalog when it does not exist). */
  public static WriteRequest empty(TableModel model, String path) {
    return new WriteRequest(model, path, Optional.empty(), WriteMode.EMPTY, Optional.empty(), Optional.empty(),
        Optional.empty(), Details.NONE, Optional.empty(), Optional.empty());
  }

  public WriteRequest withDetails(Details newDetails) {
    return new WriteRequest(model, path, rows, mode, replaceWhere, commitMetadata, rowsIn, newDetails, start, scope);
  }

  public WriteRequest withRowsIn(long newRowsIn) {
    return new WriteRequest(model, path, rows, mode, replaceWhere, commitMetadata, Optional.of(newRowsIn), details,
        start, scope);
  }

  public WriteRequest withCommitMetadata(String metadata) {
    return new WriteRequest(model, path, rows, mode, replaceWhere, Optional.of(metadata), rowsIn, details, start, scope);
  }

  /**
   * This {@link WriteMode#SYNC} for the table's rows whose {@code keys}' columns match a row of {@code keys} only
   * (the orders a day's changes touched, say): the rest of the table stays as it is.
   */
  public WriteRequest scopedTo(Dataset<Row> keys) {
    return new WriteRequest(model, path, rows, mode, replaceWhere, commitMetadata, rowsIn, details, start,
        Optional.of(keys));
  }

  public WriteRequest timedFrom(Instant newStart) {
    return new WriteRequest(model, path, rows, mode, replaceWhere, commitMetadata, rowsIn, details,
        Optional.of(newStart), scope);
  }
}
