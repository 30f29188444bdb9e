package org.olist.marts.jobs.marts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.audit.RunDetail;
import org.olist.marts.common.audit.WriteDetail;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.delta.TableMaintenance;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.jobs.datagen.DataGenJob;
import org.olist.marts.jobs.intermediate.IntermediateJob;
import org.olist.marts.jobs.maintenance.MaintainJob;
import org.olist.marts.jobs.marts.fact.FactLoader;
import org.olist.marts.jobs.marts.fact.HighWaterMark;
import org.olist.marts.jobs.orderlines.MonthPrints;
import org.olist.marts.jobs.quality.TestJob;
import org.olist.marts.jobs.rls.RlsJob;
import org.olist.marts.jobs.rls.RlsSeeds;
import org.olist.marts.jobs.staging.StagingJob;
import org.olist.marts.jobs.testing.AuditRow;
import org.olist.marts.jobs.testing.Csv;
import org.olist.marts.jobs.testing.JobTest;
import org.olist.marts.jobs.testing.OlistData;
import org.olist.marts.jobs.testing.Pipeline;
import org.olist.marts.jobs.testing.TestSpark;
import org.olist.marts.jobs.verify.CompareJob;
import org.olist.marts.jobs.verify.TableDiff;
import org.olist.marts.jobs.warehouse.AuditDetail;
import org.olist.marts.jobs.warehouse.LoadMode;
import org.olist.marts.jobs.warehouse.Tables;

/**
 * SPEC §4 on generated snapshots: a series of snapshots loaded by MERGE equals one full refresh on the last, in
 * every layer;
 * unchanged input writes nothing; a cancellation without a new timestamp lands; lines absent from a snapshot are
 * deleted; a backfill rewrites one month; duplicate keys never fail; append mode loads late lines and equals a full
 * refresh of its batches. The series and its full refresh are built once and read only: each test that writes
 * works on its own copy.
 */
@JobTest
class IncrementalLoadTest {
  private static final double SCALE = 0.005;
  private static final long SEED = 5;
  private static final List<LocalDate> SNAPSHOTS = List.of(LocalDate.of(2018, 2, 28));
  private static final Set<String> OPTIONAL = Set.of("olist_order_reviews_dataset.csv",
      "olist_geolocation_dataset.csv", "olist_order_payments_dataset.csv");

  @TempDir
  static Path dir;
  static Path incremental;
  static Path reference;
  static Path last;

  static Path snapshot(String name, LocalDate asOf) throws IOException {
    Path out = dir.resolve(name);
    new DataGenJob(SCALE, SEED, out.toString(), asOf).generate(TestSpark.spark());
    for (String f : OPTIONAL) {
      Files.delete(out.resolve(f));
    }
    return out;
  }

  static OlistConfig config(Path input, Path wh, String runId, Map<String, Object> more) {
    Map<String, Object> all = new HashMap<>(more);
    all.put(OlistConfig.RUN_ID, runId);
    return TestSpark.config(input.toString(), wh, all);
  }

  static Dataset<Row> fact(Path wh) {
    return Pipeline.table(wh, "marts", Tables.FCT_ORDER_ITEMS);
  }

  static AuditRow factDetails(Path wh, String runId) {
    return AuditRow.of(wh, runId, "marts/" + Tables.FCT_ORDER_ITEMS);
  }

  @BeforeAll
  static void loadSnapshotsThenRefresh() throws IOException {
    incremental = dir.resolve("wh-incremental");
    reference = dir.resolve("wh-reference");
    int n = 0;
    for (LocalDate d : SNAPSHOTS) {
      Pipeline.run(config(snapshot("snap-" + d, d), incremental, "snap-" + (++n), Map.of()));
    }
    last = snapshot("snap-final", null);
    Pipeline.run(config(last, incremental, "snap-final", Map.of()));
    Pipeline.run(config(last, reference, "reference", Map.of(OlistConfig.FULL_REFRESH, true)));
  }

  @Test
  void aSeriesOfSnapshotsEqualsOneFullRefresh() {
    AuditRow merged = factDetails(incremental, "snap-final");
    merged.expect(AuditDetail.MODE, LoadMode.MERGE_SNAPSHOT.audit());
    assertTrue(Long.parseLong(merged.get(WriteDetail.ROWS_INSERTED)) > 0
        && Long.parseLong(merged.get(WriteDetail.ROWS_UPDATED)) > 0, "and brought new lines and changed old ones: "
        + merged);
    new JavaDataFrameSuiteBase().assertDataFrameNoOrderEquals(fact(reference).drop("loaded_at"),
        fact(incremental).drop("loaded_at"));
    // issue 33: every staging, quarantine, intermediate and mart table too, kept ones included (run stamps aside)
    new CompareJob(reference.toString()).run(TestSpark.spark(), config(last, incremental, "compare", Map.of()));
  }

  @Test
  void everyMergeIsMeasured() {
    AuditRow d = factDetails(incremental, "snap-final");
    d.expect(AuditDetail.MODE, LoadMode.MERGE_SNAPSHOT.audit());
    assertTrue(Long.parseLong(d.get(WriteDetail.ROWS_INSERTED)) > 0, d.toString());
    assertTrue(Long.parseLong(d.get(WriteDetail.ROWS_UPDATED)) > 0, "older orders moved along: " + d);
    assertTrue(Long.parseLong(d.get(WriteDetail.ROWS_UNCHANGED)) > 0, d.toString());
    assertTrue(Long.parseLong(d.get(WriteDetail.FILES_ADDED)) > 0, d.toString());
    assertTrue(d.get(AuditDetail.PARTITIONS_TOUCHED).matches("\\d{4}-\\d{2}(,\\d{4}-\\d{2})*"), d.toString());
    d.expect(AuditDetail.KEYS_MISSING_FROM_SNAPSHOT, "0");
    d.expect(AuditDetail.MONTH_PRINTS, "lines:kept fact:kept");
    assertKeptPrintsExact(incremental);
    assertEquals(fact(incremental).agg(functions.max("source_updated_at")).first().getTimestamp(0),
        HighWaterMark.read(TestSpark.spark(), incremental.resolve("marts/fct_order_items").toString()));
  }

  /** issue 33: no layer commits anything on the input it was built from; every table is published again. */
  @Test
  void unchangedInputWritesNothing() throws IOException {
    Path wh = Pipeline.copyTree(incremental, dir.resolve("wh-rerun"));
    Map<String, Long> versions = Pipeline.versions(wh);
    Pipeline.run(config(last, wh, "rerun", Map.of()));
    assertEquals(versions, Pipeline.versions(wh), "no commit in any layer (audit aside), so no file");
    AuditRow d = factDetails(wh, "rerun");
    d.expect(WriteDetail.ROWS_INSERTED, "0");
    d.expect(WriteDetail.ROWS_UPDATED, "0");
    d.expect(WriteDetail.FILES_ADDED, "0");
    Map<String, Row> rows = Pipeline.audit(wh, "rerun");
    Set<String> ownRows = Set.of("marts/" + Tables.FCT_ORDER_ITEMS, "marts/" + Tables.DIM_DATE);
    assertTrue(versions.size() >= 15, versions.toString());
    versions.keySet().stream().filter(t -> !ownRows.contains(t)).forEach(table -> {
      assertTrue(AuditRow.of(wh, "rerun", table).get(RunDetail.UNCHANGED_SINCE) != null, table + " kept as it was");
      assertEquals(versions.get(table), rows.get(table).<Long>getAs("delta_version"), table + " published again");
    });
    AuditRow.of(wh, "rerun", "staging/stg_orders").expect(RunDetail.UNCHANGED_SINCE, "snap-final");
  }

  @Test
  void aCancellationWithoutANewTimestampIsApplied() throws IOException {
    Path wh = Pipeline.copyTree(incremental, dir.resolve("wh-cancel"));
    Path input = Pipeline.copy(last, dir.resolve("canceled"));
    Path orders = input.resolve("olist_orders_dataset.csv");
    List<String> lines = new ArrayList<>(Files.readAllLines(orders, StandardCharsets.UTF_8));
    int index = 1;
    while (!lines.get(index).contains(",delivered,2017-")) {
      index++;
    }
    String line = lines.get(index);
    String orderId = line.substring(0, line.indexOf(',')).replace("\"", "");
    lines.set(index, line.replace(",delivered,", ",canceled,"));
    Files.write(orders, lines, StandardCharsets.UTF_8);
    long items = fact(wh).filter("order_id = '" + orderId + "'").count();
    assertTrue(items > 0);
    Map<String, Long> versions = Pipeline.versions(wh);
    Pipeline.run(config(input, wh, "cancel", Map.of()));
    assertEquals(items, fact(wh).filter("order_id = '" + orderId + "' and order_status = 'canceled'").count());
    Map<String, Long> after = Pipeline.versions(wh);
    // only the orders file changed: what is not built from it is kept, and so is what its change leaves as it is
    // (a status is no attribute of a person: the persons' rows are the same, nothing is written) (issue 33)
    for (String table : List.of("staging/stg_products", "staging/stg_sellers", "quarantine/stg_customers",
        "intermediate/" + Tables.PRODUCTS_ENRICHED, "marts/" + Tables.DIM_PRODUCTS, "marts/" + Tables.DIM_SELLERS,
        "intermediate/" + Tables.CUSTOMERS_DEDUPLICATED, "marts/" + Tables.DIM_CUSTOMERS)) {
      assertEquals(versions.get(table), after.get(table), table + " is not changed by the status");
    }
    AuditRow.of(wh, "cancel", "intermediate/" + Tables.CUSTOMERS_DEDUPLICATED).expect(WriteDetail.WRITE, "unchanged");
    for (String table : List.of("staging/stg_orders", "intermediate/" + Tables.ORDER_ITEMS_JOINED)) {
      assertEquals(versions.get(table) + 1, after.get(table), table + " is built from the orders");
    }
    AuditRow d = factDetails(wh, "cancel");
    d.expect(WriteDetail.ROWS_UPDATED, Long.toString(items));
    d.expect(WriteDetail.ROWS_INSERTED, "0");
    String month = fact(wh).filter("order_id = '" + orderId + "'").first().getAs("order_year_month");
    d.expect(AuditDetail.PARTITIONS_TOUCHED, month);
    assertEquals(Set.of(month), partitionsInLastCommit(wh));
    assertKeptPrintsExact(wh);
  }

  /** The month prints kept beside the fact's and the lines' current versions are those a scan computes. */
  static void assertKeptPrintsExact(Path wh) {
    for (String table : List.of("marts/fct_order_items", "intermediate/" + Tables.ORDER_ITEMS_JOINED)) {
      String path = wh.resolve(table).toString();
      long version = DeltaTables.version(TestSpark.spark(), path);
      assertEquals(Optional.of(MonthPrints.scan(DeltaTables.read(TestSpark.spark(), path))),
          MonthPrints.read(TestSpark.spark(), path, version), table + " version " + version);
    }
  }

  @Test
  void aBackfillRewritesOnlyThatMonth() throws IOException {
    Path wh = Pipeline.copyTree(incremental, dir.resolve("wh-backfill"));
    long before = fact(wh).count();
    new MartsJob().run(TestSpark.spark(), config(last, wh, "backfill",
        Map.of(OlistConfig.BACKFILL_FROM, "2018-02-01", OlistConfig.BACKFILL_TO, "2018-02-28")));
    assertEquals(Set.of("2018-02"), partitionsInLastCommit(wh));
    assertEquals(before, fact(wh).count());
    factDetails(wh, "backfill").expect(AuditDetail.MODE, LoadMode.BACKFILL.audit());
    assertKeptPrintsExact(wh);
  }

  /** An order whose purchase moved from month {@code from} to month {@code to} (same day of month, <= 28). */
  private static String movePurchase(Path wh, Path orders, String from, String to) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(orders, StandardCharsets.UTF_8));
    Set<String> loaded = fact(wh).filter("order_year_month = '" + from + "'").select("order_id")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList().stream().collect(Collectors.toSet());
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",", -1);
      String id = f[0].replace("\"", "");
      if (loaded.contains(id) && f[3].startsWith(from + "-") && Integer.parseInt(f[3].substring(8, 10)) <= 28) {
        f[3] = to + f[3].substring(7);
        lines.set(i, String.join(",", f));
        Files.write(orders, lines, StandardCharsets.UTF_8);
        return id;
      }
    }
    throw new IllegalStateException("no order of " + from + " to move");
  }

  @Test
  void aBackfillKeepsEveryKeyOnceWhenPurchaseMonthsMoved() throws IOException {
    Path wh = Pipeline.copyTree(incremental, dir.resolve("wh-moved"));
    // the input of the last load, with two purchase dates moved
    Path input = Pipeline.copy(last, dir.resolve("moved"));
    Path orders = input.resolve("olist_orders_dataset.csv");
    String movedIn = movePurchase(wh, orders, "2018-01", "2018-02");
    String movedOut = movePurchase(wh, orders, "2018-02", "2018-01");
    long lines = fact(wh).count();
    long movedInLines = fact(wh).filter("order_id = '" + movedIn + "'").count();
    long movedOutLines = fact(wh).filter("order_id = '" + movedOut + "'").count();
    OlistConfig backfill = config(input, wh, "backfill-moved",
        Map.of(OlistConfig.BACKFILL_FROM, "2018-02-01", OlistConfig.BACKFILL_TO, "2018-02-28"));
    new StagingJob().run(TestSpark.spark(), backfill);
    new IntermediateJob().run(TestSpark.spark(), backfill);
    new MartsJob().run(TestSpark.spark(), backfill);

    assertEquals(lines, fact(wh).count(), "no line lost or doubled");
    assertEquals(lines, fact(wh).select("order_item_sk").distinct().count(), "every key once");
    assertEquals(movedInLines, fact(wh).filter("order_id = '" + movedIn + "'")
        .filter("order_year_month = '2018-02'").count(), "moved into the window: in its new month only");
    assertEquals(movedOutLines, fact(wh).filter("order_id = '" + movedOut + "'")
        .filter("order_year_month = '2018-01'").count(), "moved out of the window: kept, in its new month");
    assertEquals(Set.of("2018-01", "2018-02"), partitionsInLastCommit(wh));
    assertKeptPrintsExact(wh);

    // the next normal load has nothing to heal, and uses the prints the backfill kept
    long version = Pipeline.version(wh, "marts", Tables.FCT_ORDER_ITEMS);
    new MartsJob().run(TestSpark.spark(), config(input, wh, "after-backfill", Map.of()));
    AuditRow d = factDetails(wh, "after-backfill");
    d.expect(AuditDetail.KEYS_MISSING_FROM_SNAPSHOT, "0");
    d.expect(AuditDetail.MONTH_PRINTS, "lines:kept fact:kept");
    assertEquals(version, Pipeline.version(wh, "marts", Tables.FCT_ORDER_ITEMS), "nothing left to write");
  }

  /** The maintain job's row for the fact in a run. */
  private static Row factUpkeep(Path wh, String runId) {
    return Pipeline.table(wh, "audit", MaintainJob.TABLE)
        .filter("run_id = '" + runId + "' and table_name = 'marts/fct_order_items'").first();
  }

  /**
   * A copy of one delivered order of {@code month} (its customer a new person, its items alike) under ids that
   * start with {@code prefix}: new lines in an old month, which a MERGE adds as a file of their own.
   */
  private static void addOrderCopy(Path input, String month, String prefix) throws IOException {
    Path orders = input.resolve("olist_orders_dataset.csv");
    List<String> lines = Files.readAllLines(orders, StandardCharsets.UTF_8);
    String[] order = lines.stream().skip(1).map(l -> l.split(",", -1))
        .filter(f -> f[3].startsWith(month + "-") && f[2].equals("delivered")).findFirst().orElseThrow();
    String orderId = order[0].replace("\"", "");
    String customerId = order[1].replace("\"", "");
    append(orders, l -> l.contains(orderId), l -> l.replace(orderId, prefix + orderId.substring(prefix.length()))
        .replace(customerId, prefix + customerId.substring(prefix.length())));
    append(input.resolve("olist_order_items_dataset.csv"), l -> l.startsWith(orderId) || l.startsWith("\"" + orderId),
        l -> l.replace(orderId, prefix + orderId.substring(prefix.length())));
    append(input.resolve("olist_customers_dataset.csv"), l -> l.contains(customerId), l -> {
      String unique = l.split(",", -1)[1].replace("\"", "");
      return l.replace(customerId, prefix + customerId.substring(prefix.length()))
          .replace(unique, prefix + unique.substring(prefix.length()));
    });
  }

  private static void append(Path file, Predicate<String> which,
                             UnaryOperator<String> copy) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    List<String> copies = lines.stream().skip(1).filter(which).map(copy).toList();
    assertTrue(!copies.isEmpty(), "nothing to copy in " + file);
    lines.addAll(copies);
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  @Test
  void maintenanceCompactsTheMergedFactWithoutChangingARowAndTheNextLoadStillUsesItsPrints() throws IOException {
    Path wh = Pipeline.copyTree(incremental, dir.resolve("wh-maintain"));
    // new orders in two old months: each month gets a second file
    Path input = Pipeline.copy(last, dir.resolve("late-orders"));
    addOrderCopy(input, "2017-03", "ee");
    addOrderCopy(input, "2017-06", "ef");
    Pipeline.run(config(input, wh, "late-orders", Map.of()));
    factDetails(wh, "late-orders").expect(AuditDetail.PARTITIONS_TOUCHED, "2017-03,2017-06");

    String factPath = wh.resolve("marts/fct_order_items").toString();
    Dataset<Row> rows = fact(wh).localCheckpoint();
    long version = Pipeline.version(wh, "marts", Tables.FCT_ORDER_ITEMS);
    TableMaintenance.Files before = TableMaintenance.current(TestSpark.spark(), factPath);
    // the fact only (olist.maintenance.tables), as after a backfill; a name without a table is refused first
    OlistException unknown = assertThrows(OlistException.class, () -> new MaintainJob().run(TestSpark.spark(),
        config(input, wh, "maintain-unknown", Map.of(OlistConfig.MAINTENANCE_TABLES,
            "marts/fct_order_items, marts/fct_nothing"))));
    assertTrue(unknown.getMessage().contains("Cannot maintain marts/fct_nothing: no such Delta table"),
        unknown.getMessage());
    assertEquals(version, Pipeline.version(wh, "marts", Tables.FCT_ORDER_ITEMS));
    new MaintainJob().run(TestSpark.spark(), config(input, wh, "maintain",
        Map.of(OlistConfig.MAINTENANCE_TABLES, "marts/fct_order_items")));
    assertEquals(1, Pipeline.table(wh, "audit", MaintainJob.TABLE).filter("run_id = 'maintain'").count(),
        "only the table named");

    Row upkeep = factUpkeep(wh, "maintain");
    assertEquals(version + 1, upkeep.<Long>getAs("compaction_version"), upkeep.toString());
    assertEquals(before.files(), upkeep.<Long>getAs("files_before"));
    assertEquals(before.files() - 2, upkeep.<Long>getAs("files_after"), "two files less: " + upkeep);
    assertEquals(0L, upkeep.<Long>getAs("files_vacuumed"), "the files it replaced are kept for 168 h");
    new JavaDataFrameSuiteBase().assertDataFrameNoOrderEquals(rows, fact(wh));
    assertEquals(rows.count(), DeltaTables.read(TestSpark.spark(), factPath, version).count(),
        "a reader of the version before still finds its files");
    assertKeptPrintsExact(wh);
    assertEquals(version + 1, Pipeline.audit(wh, "maintain").get("marts/fct_order_items")
        .<Long>getAs("delta_version"), "the compaction is the fact's published version");

    // the next load compares by the prints kept for the compaction's version, and has nothing to write
    new MartsJob().run(TestSpark.spark(), config(input, wh, "after-maintain", Map.of()));
    factDetails(wh, "after-maintain").expect(AuditDetail.MONTH_PRINTS, "lines:kept fact:kept");
    assertEquals(version + 1, Pipeline.version(wh, "marts", Tables.FCT_ORDER_ITEMS));

    // a retention under Delta's 168 h is refused before any table is touched
    OlistException refused = assertThrows(OlistException.class, () -> new MaintainJob().run(TestSpark.spark(),
        config(input, wh, "maintain-refused", Map.of(OlistConfig.VACUUM_RETENTION_HOURS, 0))));
    assertTrue(refused.getMessage().contains("olist.maintenance.allow-short-retention"), refused.getMessage());
    assertEquals(version + 1, Pipeline.version(wh, "marts", Tables.FCT_ORDER_ITEMS));
  }

  @Test
  void duplicateKeysInABatchNeverFailTheMerge() throws IOException {
    Path wh = Pipeline.copyTree(incremental, dir.resolve("wh-dupes"));
    Dataset<Row> current = fact(wh).filter("order_year_month = '2018-03'").limit(2).localCheckpoint();
    Row first = current.first();
    long key = first.getAs("order_item_sk");
    Dataset<Row> newer = current.filter("order_item_sk = " + key)
        .withColumn("order_status", functions.lit("canceled"))
        .withColumn("row_hash", functions.lit("hash-newer"))
        .withColumn("source_updated_at", functions.col("source_updated_at").plus(functions.expr("interval 1 day")));
    Dataset<Row> older = current.filter("order_item_sk = " + key).withColumn("row_hash", functions.lit("hash-older"));
    Dataset<Row> batch = newer.unionByName(older).unionByName(current);
    // a batch of changed rows (append mode), not a snapshot that would lack every other line
    JobContext ctx = new JobContext(TestSpark.spark(), config(last, wh, "dupes",
        Map.of(OlistConfig.INCREMENTAL_MODE, "append")), "marts");
    // the batch is already fact-shaped: the lookups are the identity
    new FactLoader(ctx, ctx.table(Tables.FCT_ORDER_ITEMS)).load(batch, (lines, few) -> lines);
    Row after = fact(wh).filter("order_item_sk = " + key).first();
    assertEquals("canceled", after.getAs("order_status"));
    assertEquals("hash-newer", after.getAs("row_hash"));
    assertEquals(1, fact(wh).filter("order_item_sk = " + key).count());
    assertKeptPrintsExact(wh);
  }

  /**
   * SPEC §4: the snapshot is the truth. An order deleted at the source and a line renumbered ({@code order_item_id}
   * 1 became 9) leave the fact in the next snapshot MERGE, counted and named; the fact then equals a full refresh.
   */
  @Test
  void linesAbsentFromTheSnapshotAreDeletedCountedAndNamed() throws IOException {
    Path wh = Pipeline.copyTree(reference, dir.resolve("wh-deleted"));
    List<String> singleLine = Csv.read(last.resolve("olist_order_items_dataset.csv")).stream()
        .collect(Collectors.groupingBy(r -> r.get("order_id"), Collectors.counting()))
        .entrySet().stream().filter(e -> e.getValue() == 1).map(Map.Entry::getKey).sorted().limit(2).toList();
    String deleted = singleLine.get(0);
    String renumbered = singleLine.get(1);
    Path snapshot = keepOrders(last, dir.resolve("snap-deleted"), id -> !id.equals(deleted));
    Path items = snapshot.resolve("olist_order_items_dataset.csv");
    List<String> lines = new ArrayList<>(Files.readAllLines(items, StandardCharsets.UTF_8));
    lines.replaceAll(l -> l.replace("\"", "").startsWith(renumbered + ",1,") ? l.replaceFirst(",1,", ",9,") : l);
    Files.write(items, lines, StandardCharsets.UTF_8);

    Pipeline.run(config(snapshot, wh, "deleted", Map.of()));
    AuditRow d = factDetails(wh, "deleted");
    d.expect(AuditDetail.KEYS_MISSING_FROM_SNAPSHOT, "2");
    d.expect(WriteDetail.ROWS_DELETED, "2");
    d.expect(WriteDetail.ROWS_INSERTED, "1");
    assertEquals(0, fact(wh).filter("order_id = '" + deleted + "'").count());
    assertEquals(List.of(9), fact(wh).filter("order_id = '" + renumbered + "'").select("order_item_id")
        .as(Encoders.INT()).collectAsList(), "one line, counted once");
    assertKeptPrintsExact(wh);
    Path refreshed = dir.resolve("wh-deleted-reference");
    Pipeline.run(config(snapshot, refreshed, "deleted-reference", Map.of(OlistConfig.FULL_REFRESH, true)));
    new JavaDataFrameSuiteBase().assertDataFrameNoOrderEquals(fact(refreshed).drop("loaded_at"),
        fact(wh).drop("loaded_at"));
  }

  /** A snapshot that lacks most of the fact reads as a truncated export: refused, nothing deleted. */
  @Test
  void aSnapshotLackingMostOfTheFactIsRefused() throws IOException {
    Path wh = Pipeline.copyTree(reference, dir.resolve("wh-truncated"));
    Set<String> kept = Csv.read(last.resolve("olist_orders_dataset.csv")).stream().map(r -> r.get("order_id"))
        .sorted().limit(10).collect(Collectors.toSet());
    Path truncated = keepOrders(last, dir.resolve("snap-truncated"), kept::contains);
    long version = Pipeline.version(wh, "marts", Tables.FCT_ORDER_ITEMS);
    long customers = Pipeline.version(wh, "marts", Tables.DIM_CUSTOMERS);
    OlistException e = assertThrows(OlistException.class, () -> Pipeline.run(config(truncated, wh, "truncated",
        Map.of())));
    assertTrue(e.getMessage().contains("of the fact's lines would be deleted as absent from this snapshot")
        && e.getMessage().contains(OlistConfig.MAX_DELETED_FRACTION), e.getMessage());
    assertEquals(version, Pipeline.version(wh, "marts", Tables.FCT_ORDER_ITEMS), "nothing deleted");
    assertEquals(customers, Pipeline.version(wh, "marts", Tables.DIM_CUSTOMERS), "no mart written");
  }

  /**
   * SPEC §4 append mode, issue 34 #6: after a first load, a batch with a line older than the mark minus the
   * lookback, an order re-sent as canceled with its timestamps unchanged, and a new order. Every line is loaded
   * (the late one counted and named), the cancellation applied, the run's data tests pass, and the fact equals a
   * full refresh on the union of the batches.
   */
  @Test
  void appendModeLoadsLateLinesAndCancellationsAndEqualsAFullRefreshOfTheUnion() throws IOException {
    Path wh = dir.resolve("wh-append");
    String seeds = twoSets(dir.resolve("append-seeds")).toString();
    Map<String, Object> append = Map.of(OlistConfig.INCREMENTAL_MODE, "append", OlistConfig.RLS_SEEDS, seeds);
    Path base = snapshot("append-base", LocalDate.of(2018, 4, 30));
    List<String[]> orders = ordersOf(base);
    Map<String, Long> ordersPerPerson = personsOf(base);
    Timestamp mark = orders.stream().map(IncrementalLoadTest::updatedAt).max(Timestamp::compareTo).orElseThrow();
    // the late order's person has no other order (a late purchase of a returning person takes the next number;
    // only --full-refresh renumbers their loaded orders)
    List<String[]> alone = orders.stream().filter(o -> ordersPerPerson.get(o[5]) == 1 && hasLines(base, o[0]))
        .toList();
    String late = closest(alone, new Timestamp(mark.getTime() - 10 * 86_400_000L));
    String fresh = closest(alone.stream().filter(o -> !o[0].equals(late)).toList(),
        new Timestamp(mark.getTime() - 86_400_000L));
    String canceled = closest(orders.stream().filter(o -> "delivered".equals(o[6]) && hasLines(base, o[0])
        && !o[0].equals(late) && !o[0].equals(fresh)).toList(), new Timestamp(mark.getTime() - 40 * 86_400_000L));

    Path initial = keepOrders(base, dir.resolve("append-initial"), id -> !id.equals(late) && !id.equals(fresh));
    OlistConfig first = config(initial, wh, "append-1", append);
    Pipeline.run(first);
    new RlsJob().run(TestSpark.spark(), first);
    assertEquals("delivered", fact(wh).filter("order_id = '" + canceled + "'").first().getAs("order_status"));

    // the world after the batch: the base with the order canceled (same timestamps); the batch holds three orders
    Path union = Pipeline.copy(base, dir.resolve("append-union"));
    rewriteOrders(union, canceled, f -> f.replace(",delivered,", ",canceled,"));
    Path batch = keepOrders(union, dir.resolve("append-batch"),
        id -> id.equals(late) || id.equals(fresh) || id.equals(canceled));
    OlistConfig second = config(batch, wh, "append-2", append);
    Pipeline.run(second);
    new RlsJob().run(TestSpark.spark(), second);
    new TestJob().run(TestSpark.spark(), second);

    AuditRow details = factDetails(wh, "append-2");
    long lateLines = fact(wh).filter("order_id IN ('" + late + "', '" + canceled + "')").count();
    // the late order's and the re-sent order's lines are late
    details.expect(AuditDetail.LATE_LINES, lateLines);
    assertTrue(details.get(AuditDetail.LATE_LINE_KEYS).contains(late + "/1"), "and named: " + details);
    assertEquals("canceled", fact(wh).filter("order_id = '" + canceled + "'").first().getAs("order_status"),
        "the re-sent cancellation is applied");
    assertTrue(fact(wh).filter("order_id = '" + late + "'").count() > 0, "the late line is loaded");
    // a dimension whose source the batch left as it was is kept without a read; the others are upserted: the batch's
    // members inserted or updated, none of the table's others deleted
    for (String dimension : List.of(Tables.DIM_PRODUCTS, Tables.DIM_SELLERS)) {
      AuditRow.of(wh, "append-2", "marts/" + dimension).expect(RunDetail.UNCHANGED_SINCE, "append-1");
    }
    AuditRow persons = AuditRow.of(wh, "append-2", "marts/" + Tables.DIM_CUSTOMERS);
    persons.expect(AuditDetail.MODE, LoadMode.UPSERT.audit());
    persons.expect(WriteDetail.ROWS_DELETED, 0);
    assertTrue(Long.parseLong(persons.get(WriteDetail.ROWS_INSERTED))
        + Long.parseLong(persons.get(WriteDetail.ROWS_UPDATED)) <= 3, "the batch's persons only: " + persons);

    Path refreshed = dir.resolve("wh-append-reference");
    OlistConfig refresh = config(union, refreshed, "union", Map.of(OlistConfig.FULL_REFRESH, true,
        OlistConfig.RLS_SEEDS, seeds));
    Pipeline.run(refresh);
    new RlsJob().run(TestSpark.spark(), refresh);
    JavaDataFrameSuiteBase frames = new JavaDataFrameSuiteBase();
    frames.assertDataFrameNoOrderEquals(fact(refreshed).drop("loaded_at"), fact(wh).drop("loaded_at"));
    frames.assertDataFrameNoOrderEquals(Pipeline.table(refreshed, "marts", Tables.DIM_CUSTOMERS),
        Pipeline.table(wh, "marts", Tables.DIM_CUSTOMERS));
    assertLocatedAsTheRefresh(wh, refreshed, 3);
  }

  /**
   * The national and SUL copies of dim_customers after the append batches: every located person located as the full
   * refresh of their union locates them, and at most {@code batchPersons} more persons unknown (append mode does not
   * know where an earlier batch's order went: SecuredCopies.customers). The national copy locates a person by their
   * latest order; SUL's, a set that misses some persons' latest orders, shows that the batch before leaving
   * staging touches no copy.
   */
  private static void assertLocatedAsTheRefresh(Path wh, Path refreshed, int batchPersons) {
    for (String set : List.of("national", "sul")) {
      String layer = Tables.SECURE_DIR + "/" + set;
      Dataset<Row> got = Pipeline.table(wh, layer, Tables.DIM_CUSTOMERS);
      Dataset<Row> want = Pipeline.table(refreshed, layer, Tables.DIM_CUSTOMERS);
      Dataset<Row> located = got.filter("customer_city IS NOT NULL");
      assertEquals(Optional.empty(), TableDiff.difference(located,
          want.join(located.select("customer_sk"), "customer_sk").selectExpr(located.columns()), List.of()), set);
      Row unknown = got.selectExpr("count_if(customer_city IS NULL)").crossJoin(
          want.selectExpr("count_if(customer_city IS NULL)")).first();
      assertTrue(unknown.getLong(0) <= unknown.getLong(1) + batchPersons, set + ": " + unknown.getLong(0)
          + " persons without a location, " + unknown.getLong(1) + " in the refresh");
    }
  }

  // ---------------------------------------------------------------- helpers

  /** The default seeds' groups, and two users: one NATIONAL, one SUL (two access sets instead of seven). */
  private static Path twoSets(Path seeds) throws IOException {
    Pipeline.copy(OlistData.sample().getParent().resolve("seeds"), seeds);
    Files.write(seeds.resolve(RlsSeeds.USERS_FILE), List.of(String.join(",", RlsSeeds.USERS_HEADER),
        "ceo@olist.com,NATIONAL,executive", "sul.manager@olist.com,SUL,regional_manager"), StandardCharsets.UTF_8);
    return seeds;
  }

  private static Set<String> partitionsInLastCommit(Path wh) {
    Path log = wh.resolve("marts/fct_order_items/_delta_log");
    long version = Pipeline.version(wh, "marts", Tables.FCT_ORDER_ITEMS);
    try {
      String json = Files.readString(log.resolve(String.format("%020d.json", version)));
      Set<String> months = new TreeSet<>();
      Matcher m = Pattern.compile("\"partitionValues\":\\{\"order_year_month\":\"([^\"]+)\"")
          .matcher(json);
      while (m.find()) {
        months.add(m.group(1));
      }
      return months;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Each order: id, its four event times, then its person (customer_unique_id) and status. */
  private static List<String[]> ordersOf(Path input) throws IOException {
    Map<String, String> personOf = new HashMap<>();
    for (Map<String, String> c : Csv.read(input.resolve("olist_customers_dataset.csv"))) {
      personOf.put(c.get("customer_id"), c.get("customer_unique_id"));
    }
    List<String[]> out = new ArrayList<>();
    for (Map<String, String> r : Csv.read(input.resolve("olist_orders_dataset.csv"))) {
      out.add(new String[] {r.get("order_id"), r.get("order_purchase_timestamp"), r.get("order_approved_at"),
          r.get("order_delivered_carrier_date"), r.get("order_delivered_customer_date"),
          personOf.get(r.get("customer_id")), r.get("order_status")});
    }
    return out;
  }

  /** Orders per person (customer_unique_id). */
  private static Map<String, Long> personsOf(Path input) throws IOException {
    return ordersOf(input).stream().filter(o -> o[5] != null)
        .collect(Collectors.groupingBy(o -> o[5], Collectors.counting()));
  }

  private static boolean hasLines(Path input, String orderId) {
    try {
      return Files.readAllLines(input.resolve("olist_order_items_dataset.csv")).stream()
          .anyMatch(l -> l.replace("\"", "").startsWith(orderId + ","));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void rewriteOrders(Path input, String orderId, UnaryOperator<String> change) throws IOException {
    Path file = input.resolve("olist_orders_dataset.csv");
    List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    lines.replaceAll(l -> l.replace("\"", "").startsWith(orderId + ",") ? change.apply(l) : l);
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  private static Timestamp updatedAt(String[] order) {
    Timestamp max = null;
    for (int i = 1; i <= 4; i++) {
      if (order[i] != null) {
        Timestamp t = Timestamp.valueOf(order[i]);
        max = max == null || t.after(max) ? t : max;
      }
    }
    return max;
  }

  private static String closest(List<String[]> orders, Timestamp target) {
    return orders.stream().min((a, b) -> Long.compare(Math.abs(updatedAt(a).getTime() - target.getTime()),
        Math.abs(updatedAt(b).getTime() - target.getTime()))).orElseThrow()[0];
  }

  /** Copies an input keeping only the given orders (with their items and customers). */
  private static Path keepOrders(Path from, Path to, Predicate<String> keep) throws IOException {
    Pipeline.copy(from, to);
    Set<String> customers = new HashSet<>();
    filter(to.resolve("olist_orders_dataset.csv"), f -> {
      boolean k = keep.test(f[0]);
      if (k) {
        customers.add(f[1]);
      }
      return k;
    });
    filter(to.resolve("olist_order_items_dataset.csv"), f -> keep.test(f[0]));
    filter(to.resolve("olist_customers_dataset.csv"), f -> customers.contains(f[0]));
    return to;
  }

  private static void filter(Path file, Predicate<String[]> keep) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>(List.of(lines.get(0)));
    for (String line : lines.subList(1, lines.size())) {
      String[] fields = line.replace("\"", "").split(",", -1);
      if (keep.test(fields)) {
        out.add(line);
      }
    }
    Files.write(file, out, StandardCharsets.UTF_8);
  }
}
