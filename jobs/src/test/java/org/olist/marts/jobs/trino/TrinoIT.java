package org.olist.marts.jobs.trino;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.IntegralType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.catalog.ColumnModel;
import org.olist.marts.common.catalog.Layer;
import org.olist.marts.common.catalog.ModelCatalog;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.jobs.datagen.DataGenJob;
import org.olist.marts.jobs.rls.RlsJob;
import org.olist.marts.jobs.status.StatusJob;
import org.olist.marts.jobs.testing.Pipeline;
import org.olist.marts.jobs.testing.TestSpark;

/**
 * SPEC §5 downstream, end to end: marts built by Spark on generated data, read by a real Trino 476 through
 * {@code scripts/trino.sh}. Every seed user sees through {@code olist.secure} exactly what Spark computes for
 * their states, a user without mapping sees nothing, an analyst is denied the base tables, and the admin's
 * counts and sums of every mart equal Spark's — before and after an incremental MERGE of a later snapshot
 * (the tables are registered once). Run by {@code mvn verify -Ptrino} (from .ci/run); Trino is stopped
 * whatever happens.
 */
class TrinoIT {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final Path SEEDS = ROOT.resolve("data/seeds");
  private static final String ADMIN = "admin";
  private static final String NOBODY = "nobody@olist.com";
  private static final String MART = Layer.MARTS.dir();

  @TempDir
  static Path dir;
  static Path wh;
  static Path state;

  @BeforeAll
  static void buildMartsAndStartTrino() throws Exception {
    Path before = dir.resolve("before");
    new DataGenJob(0.01, 17, before.toString(), LocalDate.of(2018, 3, 31)).generate(TestSpark.spark());
    wh = dir.resolve("wh");
    state = dir.resolve("trino");
    runPipeline(before, "first");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Result start = trino(List.of("start", "--warehouse", wh.toString(), "--port", String.valueOf(port)));
    assertEquals(0, start.rc, "trino.sh start failed:\n" + start.out);
  }

  @AfterAll
  static void stopTrino() throws Exception {
    if (state != null) {
      Result stop = trino(List.of("stop"));
      assertEquals(0, stop.rc, stop.out);
    }
  }

  static void runPipeline(Path input, String runId) {
    OlistConfig c = TestSpark.config(input.toString(), wh,
        Map.of(OlistConfig.RUN_ID, runId, OlistConfig.RLS_SEEDS, SEEDS.toString()));
    Pipeline.run(c);
    new RlsJob().run(TestSpark.spark(), c);
    new StatusJob().run(TestSpark.spark(), c);
  }

  record Result(int rc, String out) {
  }

  static Result trino(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("scripts/trino.sh").toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("OLIST_TRINO_STATE", state.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "trino.sh " + args + " did not finish");
    return new Result(p.exitValue(), out);
  }

  /** One row of CSV_UNQUOTED output of a query run as {@code user}. */
  static List<String> query(String user, String sql) throws IOException, InterruptedException {
    Result r = trino(List.of("sql", "--user", user, "--format", "CSV_UNQUOTED", sql));
    assertEquals(0, r.rc, "query as " + user + " failed: " + sql + "\n" + r.out);
    List<String> lines = r.out.lines().filter(l -> !l.startsWith("WARNING")).toList();
    assertEquals(1, lines.size(), "one row expected from " + sql + ":\n" + r.out);
    return List.of(lines.get(0).split(",", -1));
  }

  private static String normalize(Object v) {
    if (v == null || "".equals(v)) {
      return "null";
    }
    return new BigDecimal(v.toString()).stripTrailingZeros().toPlainString();
  }

  private static List<String> normalize(Row row) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < row.size(); i++) {
      out.add(normalize(row.get(i)));
    }
    return out;
  }

  /** count(*), count(col) for every column, sums of numbers (as decimals: keys would overflow) and of flags. */
  static String aggregates(TableModel table) {
    List<String> parts = new ArrayList<>(List.of("count(*)"));
    for (ColumnModel c : table.columns()) {
      parts.add("count(" + c.name() + ")");
      if (c.type() instanceof IntegralType) {
        parts.add("sum(CAST(" + c.name() + " AS DECIMAL(38,0)))");
      } else if (c.type() instanceof DecimalType d) {
        parts.add("sum(CAST(" + c.name() + " AS DECIMAL(38," + d.scale() + ")))");
      } else if (c.type() instanceof BooleanType) {
        parts.add("sum(CASE WHEN " + c.name() + " THEN 1 ELSE 0 END)");
      }
    }
    return String.join(", ", parts);
  }

  static List<String> spark(String sql) {
    return normalize(TestSpark.spark().sql(sql).first());
  }

  static void registerSparkViews() {
    for (TableModel t : ModelCatalog.get().tablesInLayer(Layer.MARTS)) {
      Pipeline.table(wh, MART, t.name()).createOrReplaceTempView(t.name());
    }
  }

  /** What each user may see, computed by Spark from the seed files (not from the RLS tables). */
  static Map<String, List<String>> expectedPerUser() {
    registerSparkViews();
    Dataset<Row> users = TestSpark.spark().read().option("header", true).csv(SEEDS.resolve("rls_users.csv").toString());
    Dataset<Row> groups = TestSpark.spark().read().option("header", true)
        .csv(SEEDS.resolve("rls_access_groups.csv").toString());
    users.join(groups, "access_group").selectExpr("lower(trim(user_email)) AS user_email", "state_code")
        .distinct().createOrReplaceTempView("seed_states");
    Map<String, List<String>> out = new LinkedHashMap<>();
    List<String> emails = users.selectExpr("lower(trim(user_email))").distinct().as(
        org.apache.spark.sql.Encoders.STRING()).collectAsList();
    for (String email : emails) {
      String states = "(SELECT state_code FROM seed_states WHERE user_email = '" + email + "')";
      String sellers = "(SELECT seller_sk FROM dim_sellers WHERE seller_state_code IN " + states + ")";
      out.put(email, spark("SELECT"
          + " (SELECT count(*) FROM fct_order_items WHERE seller_sk IN " + sellers + "),"
          + " (SELECT sum(price_brl) FROM fct_order_items WHERE seller_sk IN " + sellers + "),"
          + " (SELECT count(*) FROM dim_sellers WHERE seller_state_code IN " + states + "),"
          + " (SELECT count(*) FROM dim_customers WHERE customer_sk IN"
          + "   (SELECT customer_sk FROM fct_order_items WHERE seller_sk IN " + sellers + ")),"
          + " (SELECT count(*) FROM dim_products), (SELECT count(*) FROM dim_date)"));
    }
    return out;
  }

  static String securedQuery() {
    String s = "olist.secure.";
    return "SELECT (SELECT count(*) FROM " + s + "fct_order_items), (SELECT sum(price_brl) FROM " + s
        + "fct_order_items), (SELECT count(*) FROM " + s + "dim_sellers), (SELECT count(*) FROM " + s
        + "dim_customers), (SELECT count(*) FROM " + s + "dim_products), (SELECT count(*) FROM " + s + "dim_date)";
  }

  static void checkEverything(String phase) throws Exception {
    Map<String, List<String>> expected = expectedPerUser();
    assertTrue(expected.size() >= 8, "the seeds hold the regional managers and the national users");
    for (Map.Entry<String, List<String>> e : expected.entrySet()) {
      List<String> seen = query(e.getKey(), securedQuery()).stream().map(TrinoIT::normalize).toList();
      assertEquals(e.getValue(), seen, phase + ": what " + e.getKey() + " sees through olist.secure");
    }
    long factRows = TestSpark.spark().table("fct_order_items").count();
    assertTrue(expected.values().stream().map(v -> Long.parseLong(v.get(0))).anyMatch(n -> n > 0 && n < factRows),
        phase + ": some regional user sees part of the fact, not all of it: " + expected);

    List<String> marts = ModelCatalog.get().tablesInLayer(Layer.MARTS).stream().map(TableModel::name).toList();
    List<String> nothing = query(NOBODY, marts.stream().map(m -> "(SELECT count(*) FROM olist.secure." + m + ")")
        .collect(Collectors.joining(", ", "SELECT ", "")));
    assertEquals(marts.stream().map(m -> "0").toList(), nothing, phase + ": a user without mapping sees no row of " + marts);

    Result denied = trino(List.of("sql", "--user", "sul.manager@olist.com",
        "SELECT count(*) FROM olist.marts.fct_order_items"));
    assertNotEquals(0, denied.rc, phase + ": an analyst must not read a base table");
    assertTrue(denied.out.contains("Access Denied"), denied.out);

    for (TableModel t : ModelCatalog.get().tablesInLayer(Layer.MARTS)) {
      String agg = aggregates(t);
      List<String> trino = query(ADMIN, "SELECT " + agg + " FROM olist.marts." + t.name()).stream()
          .map(TrinoIT::normalize).toList();
      assertEquals(spark("SELECT " + agg + " FROM " + t.name()), trino, phase + ": admin's aggregates of " + t.name());
    }
  }

  @Test
  void securedViewsAndMartsMatchSparkBeforeAndAfterAnIncrementalMerge() throws Exception {
    checkEverything("first load");

    Path after = dir.resolve("after");
    new DataGenJob(0.01, 17, after.toString(), LocalDate.of(2018, 5, 31)).generate(TestSpark.spark());
    long version = Pipeline.version(wh, MART, "fct_order_items");
    runPipeline(after, "later");
    assertTrue(Pipeline.version(wh, MART, "fct_order_items") > version, "the later snapshot was loaded");
    String operation = TestSpark.spark().sql("DESCRIBE HISTORY delta.`" + wh.resolve("marts/fct_order_items")
        + "` LIMIT 1").first().getAs("operation");
    assertEquals("MERGE", operation, "the later snapshot was MERGEd, not rebuilt");
    checkEverything("after the incremental MERGE");
  }
}
