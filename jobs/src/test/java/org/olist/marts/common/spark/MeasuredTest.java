package org.olist.marts.common.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.job.OlistJob;
import org.olist.marts.jobs.testing.LambdaJob;
import org.olist.marts.jobs.testing.TestSpark;

/**
 * A measured key set is known small to the planner, so the join that filters a table by it broadcasts it; what a job
 * measured is released when it ends.
 */
class MeasuredTest {
  private static String semiJoinPlan(Dataset<Row> table, Dataset<Row> keys) {
    return table.join(keys, Keys.of("k"), "left_semi").queryExecution().executedPlan().toString();
  }

  @Test
  void aMeasuredKeySetIsBroadcastWhereACheckpointedOneIsShuffledWithTheTable() {
    SparkSession spark = TestSpark.spark();
    Dataset<Row> table = spark.range(0, 1000).selectExpr("cast(id % 100 as string) as k", "id as v");
    // three keys filtered out of two million rows: the planner estimates them as large as what they come from
    Dataset<Row> keys = spark.range(0, 2_000_000).filter("id < 3").selectExpr("cast(id as string) as k");

    String checkpointed = semiJoinPlan(table, keys.localCheckpoint(true));
    assertFalse(checkpointed.contains("BroadcastHashJoin"), "a checkpoint's size is unknown: " + checkpointed);

    Dataset<Row> measured = Measured.of(keys);
    try {
      String plan = semiJoinPlan(table, measured);
      assertTrue(plan.contains("BroadcastHashJoin") && !plan.contains("SortMergeJoin"), plan);
      assertEquals(30, table.join(measured, Keys.of("k"), "left_semi").count());
    } finally {
      Measured.release(measured);
    }
    assertEquals(StorageLevel.NONE(), measured.storageLevel(), "released");
  }

  /** A job that measures one small set, kept in {@code kept}, then fails when told to. */
  private static OlistJob measuring(AtomicReference<Dataset<Row>> kept, boolean fails) {
    return LambdaJob.unaudited("measuring", ctx -> {
      kept.set(ctx.measured(TestSpark.spark().range(0, 3).toDF()));
      assertEquals(StorageLevel.MEMORY_AND_DISK(), kept.get().storageLevel());
      if (fails) {
        throw new OlistException("Cannot go on (simulated)");
      }
    });
  }

  @Test
  void whatAJobMeasuredIsReleasedWhenItEndsOrFails(@TempDir Path wh) {
    OlistConfig config = TestSpark.config(wh.toString(), wh);
    AtomicReference<Dataset<Row>> kept = new AtomicReference<>();
    measuring(kept, false).run(TestSpark.spark(), config);
    assertEquals(StorageLevel.NONE(), kept.get().storageLevel());
    assertThrows(OlistException.class, () -> measuring(kept, true).run(TestSpark.spark(), config));
    assertEquals(StorageLevel.NONE(), kept.get().storageLevel());
  }
}
