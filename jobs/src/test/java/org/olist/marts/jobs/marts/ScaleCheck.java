package org.olist.marts.jobs.marts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.spark.Keys;
import org.olist.marts.jobs.datagen.DataGenJob;
import org.olist.marts.jobs.testing.MartsAssertions;
import org.olist.marts.jobs.testing.OlistReference;
import org.olist.marts.jobs.testing.Pipeline;
import org.olist.marts.jobs.testing.TestSpark;
import org.olist.marts.jobs.warehouse.Tables;

/**
 * The star-schema checks at a larger scale factor (default SF 1): reference figures, FKs, unique and stable
 * keys across two full runs. Too slow for every build: run with {@code mvn -pl jobs -am verify -Pscale
 * [-Dolist.scale=1]}.
 */
class ScaleCheck {
  @TempDir
  Path dir;

  @Test
  void starSchemaHoldsAtScale() throws IOException {
    double scale = Double.parseDouble(System.getProperty("olist.scale", "1"));
    Path input = dir.resolve("input");
    new DataGenJob(scale, 42, input.toString(), null).generate(TestSpark.spark());
    Path wh = dir.resolve("wh");
    Pipeline.run(TestSpark.config(input.toString(), wh, Map.of(OlistConfig.SHUFFLE_PARTITIONS, 4)));
    MartsAssertions.assertMatchReference(OlistReference.compute(input), wh);
    Dataset<Row> fact = Pipeline.table(wh, "marts", Tables.FCT_ORDER_ITEMS);
    Dataset<Row> first = fact.select("order_item_sk", "customer_sk", "product_sk", "seller_sk").localCheckpoint();
    assertEquals(fact.count(), fact.select("order_item_sk").distinct().count());
    for (String dim : List.of("customer", "product", "seller")) {
      assertEquals(0, fact.join(Pipeline.table(wh, "marts", "dim_" + dim + "s"), Keys.of(dim + "_sk"), "left_anti")
          .count(), dim);
    }
    Pipeline.run(TestSpark.config(input.toString(), wh, Map.of(OlistConfig.FULL_REFRESH, true,
        OlistConfig.RUN_ID, "second")));
    new JavaDataFrameSuiteBase().assertDataFrameNoOrderEquals(first,
        Pipeline.table(wh, "marts", Tables.FCT_ORDER_ITEMS)
            .select("order_item_sk", "customer_sk", "product_sk", "seller_sk"));
  }
}
