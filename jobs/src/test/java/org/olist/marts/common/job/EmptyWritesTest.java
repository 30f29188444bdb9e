package org.olist.marts.common.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.audit.WriteDetail;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.delta.WriteRequest;
import org.olist.marts.jobs.testing.AuditRow;
import org.olist.marts.jobs.testing.Frames;
import org.olist.marts.jobs.testing.JobTest;
import org.olist.marts.jobs.testing.LambdaJob;
import org.olist.marts.jobs.testing.Pipeline;
import org.olist.marts.jobs.testing.TestSpark;

/**
 * An empty write (a staging run's quarantine, most days) is written only when it changes the table (rows to remove,
 * no table yet) or on a full refresh; a table already empty is left as it is, with no Spark job, and the audit row
 * says {@code unchanged}.
 */
@JobTest
class EmptyWritesTest {
  private static final String TABLE = "dim_rls_bridge";

  /** A job that writes the bridge with two rows, or empty. */
  private static OlistJob bridge(boolean rows) {
    return LambdaJob.of("bridge", ctx -> ctx.write(rows ? ctx.overwriteOf(TABLE, Frames.table(TABLE,
        new Object[] {"SUL", "RS"}, new Object[] {"SUL", "SC"})) : WriteRequest.empty(ctx.table(TABLE),
        ctx.path(TABLE))));
  }

  private static long run(Path wh, String runId, boolean rows, boolean fullRefresh) {
    bridge(rows).run(TestSpark.spark(), TestSpark.config(wh.toString(), wh, Map.of(OlistConfig.RUN_ID, runId,
        OlistConfig.FULL_REFRESH, fullRefresh)));
    return Pipeline.version(wh, "marts", TABLE);
  }

  private static AuditRow audit(Path wh, String runId) {
    return AuditRow.of(wh, runId, "marts/" + TABLE);
  }

  @Test
  void anEmptyWriteCommitsOnlyWhereItChangesTheTable(@TempDir Path wh) {
    long created = run(wh, "created-empty", false, false);
    assertNull(audit(wh, "created-empty").get(WriteDetail.WRITE), "no table yet: created");

    long filled = run(wh, "filled", true, false);
    assertEquals(created + 1, filled);
    long emptied = run(wh, "emptied", false, false);
    assertEquals(filled + 1, emptied, "the rows there are removed in a commit");
    assertEquals(0, Pipeline.table(wh, "marts", TABLE).count());
    assertNull(audit(wh, "emptied").get(WriteDetail.WRITE));

    assertEquals(emptied, run(wh, "still-empty", false, false), "an empty table left as it is");
    audit(wh, "still-empty").expect(WriteDetail.WRITE, "unchanged");
    Row row = Pipeline.audit(wh, "still-empty").get("marts/" + TABLE);
    assertEquals(emptied, row.<Long>getAs("delta_version"));
    assertEquals(0L, row.<Long>getAs("rows_out"));

    run(wh, "refresh", false, true);
    assertNull(audit(wh, "refresh").get(WriteDetail.WRITE), "a full refresh writes (Delta itself records no empty "
        + "commit)");
  }
}
