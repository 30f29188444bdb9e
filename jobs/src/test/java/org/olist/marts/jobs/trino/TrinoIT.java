package org.olist.marts.jobs.trino;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.IntegralType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
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
import org.olist.marts.jobs.trino.TrinoClient.Outcome;

/**
 * SPEC §5 downstream, end to end and as an attacker: marts built by Spark on generated data, read by a real Trino 476
 * through {@code scripts/trino.sh}. Every seed user (one group, several, NATIONAL) and a user without mapping:
 * <ul>
 *   <li>sees in their one schema exactly what Spark computes from the seed files for their states, person figures
 *       counted from those lines, before and after an incremental MERGE of a later snapshot;</li>
 *   <li>learns nothing about a hidden line or person through error oracles (division by zero, failing casts,
 *       array subscripts, {@code element_at}, regular expressions), {@code EXPLAIN} / {@code EXPLAIN ANALYZE},
 *       metadata tables, {@code information_schema} or {@code system.*}: each probe aimed at a hidden value gives
 *       exactly what the same probe aimed at a value that exists nowhere gives, while aimed at a visible value it
 *       trips (so the oracle is live);</li>
 *   <li>reads no base table and no other set's schema; the unmapped user reads nothing at all.</li>
 * </ul>
 * The admin's counts and sums of every base mart equal Spark's. Run by {@code mvn verify -Ptrino} (from .ci/run);
 * Trino is stopped whatever happens.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrinoIT {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final String ADMIN = "admin";
  private static final String NOBODY = "nobody@olist.com";
  /** An order id and a person id that exist nowhere: what "a table that never held the row" answers. */
  private static final String ABSENT_ID = "ffffffffffffffffffffffffffffffff";
  private static final String MART = Layer.MARTS.dir();

  @TempDir
  static Path dir;
  static Path wh;
  static Path state;
  static Path seeds;
  static TrinoClient trino;

  @BeforeAll
  static void buildMartsAndStartTrino() throws Exception {
    Path before = dir.resolve("before");
    new DataGenJob(0.01, 17, before.toString(), LocalDate.of(2018, 3, 31)).generate(TestSpark.spark());
    wh = dir.resolve("wh");
    state = dir.resolve("trino");
    seeds = Pipeline.copy(ROOT.resolve("data/seeds"), dir.resolve("seeds"));
    // besides the shipped users: NATIONAL plus a region (the national set), two regions of different macro areas
    Files.write(seeds.resolve("rls_users.csv"), List.of("national.plus.sul@olist.com,NATIONAL,analyst",
            "national.plus.sul@olist.com,SUL,analyst", "norte.sul@olist.com,NORTE,director",
            "norte.sul@olist.com,SUL,director"), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    OlistConfig first = config(before, "first");
    Pipeline.run(first);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // started before the rls and status jobs ever ran: it says what is missing and starts
    Result start = script(List.of("start", "--warehouse", wh.toString(), "--port", String.valueOf(port)));
    assertEquals(0, start.rc, "trino.sh start failed:\n" + start.out);
    for (String missing : List.of("marts/meta_project_status is not built yet (run the status job",
        "marts/dim_security_rls is not built yet (run the rls job", "_trino_access_rules.json does not exist yet",
        "no secured copies under")) {
      assertTrue(start.out.contains(missing), "trino.sh start names what is missing: " + missing + "\n" + start.out);
    }
    trino = new TrinoClient(port);
    assertEquals("1827", sql(ADMIN, "SELECT count(*) FROM olist.marts.dim_date").only());
    Outcome early = sql("sul.manager@olist.com", "SHOW SCHEMAS FROM olist");
    assertTrue(early.error() && early.text().contains("Access Denied"), "before the rls job only the admin reads");

    new RlsJob().run(TestSpark.spark(), first);
    new StatusJob().run(TestSpark.spark(), first);
    Result sync = script(List.of("sync"));
    assertEquals(0, sync.rc, sync.out);
    assertFalse(sync.out.contains("WARNING"), sync.out);
  }

  static OlistConfig config(Path input, String runId) {
    return TestSpark.config(input.toString(), wh,
        Map.of(OlistConfig.RUN_ID, runId, OlistConfig.RLS_SEEDS, seeds.toString()));
  }

  @AfterAll
  static void stopTrino() throws Exception {
    if (state != null) {
      Result stop = script(List.of("stop"));
      assertEquals(0, stop.rc, stop.out);
    }
  }

  static void runPipeline(Path input, String runId) {
    OlistConfig c = config(input, runId);
    Pipeline.run(c);
    new RlsJob().run(TestSpark.spark(), c);
    new StatusJob().run(TestSpark.spark(), c);
  }

  record Result(int rc, String out) {
  }

  static Result script(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("scripts/trino.sh").toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("OLIST_TRINO_STATE", state.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "trino.sh " + args + " did not finish");
    return new Result(p.exitValue(), out);
  }

  static Outcome sql(String user, String statement) throws IOException, InterruptedException {
    return trino.run(user, statement);
  }

  static List<String> row(String user, String statement) throws IOException, InterruptedException {
    Outcome o = sql(user, statement);
    assertFalse(o.error(), user + ": " + statement + " failed: " + o);
    assertEquals(1, o.rows().size(), statement + ": " + o);
    return o.rows().get(0).stream().map(TrinoIT::normalize).toList();
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

  static List<String> spark(String sql) {
    return normalize(TestSpark.spark().sql(sql).first());
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

  /** Each seed user's states, read from the seed files (not from anything the rls job wrote). */
  static Map<String, Set<String>> seedStates() throws IOException {
    Map<String, Set<String>> groupStates = new TreeMap<>();
    for (String line : Files.readAllLines(seeds.resolve("rls_access_groups.csv")).stream().skip(1).toList()) {
      String[] f = line.split(",");
      groupStates.computeIfAbsent(f[0].trim().toUpperCase(), g -> new TreeSet<>()).add(f[1].trim().toUpperCase());
    }
    Map<String, Set<String>> out = new TreeMap<>();
    for (String line : Files.readAllLines(seeds.resolve("rls_users.csv")).stream().skip(1).toList()) {
      String[] f = line.split(",");
      out.computeIfAbsent(f[0].trim().toLowerCase(), u -> new TreeSet<>())
          .addAll(groupStates.get(f[1].trim().toUpperCase()));
    }
    return out;
  }

  static void registerSparkViews() {
    for (TableModel t : ModelCatalog.get().tablesInLayer(Layer.MARTS)) {
      Pipeline.table(wh, MART, t.name()).createOrReplaceTempView(t.name());
    }
  }

  static String inList(Set<String> values) {
    return values.stream().map(v -> "'" + v + "'").collect(Collectors.joining(", ", "(", ")"));
  }

  /** Spark's view of one user's lines: the fact's lines sold from their states. */
  static String visibleLines(Set<String> states) {
    return "(SELECT f.* FROM fct_order_items f JOIN dim_sellers s ON s.seller_sk = f.seller_sk"
        + " WHERE s.seller_state_code IN " + inList(states) + ")";
  }

  /** What a user must see, computed by Spark from the base marts and the seed files. */
  static List<String> expected(Set<String> states) {
    String lines = visibleLines(states);
    return spark("SELECT"
        + " (SELECT count(*) FROM " + lines + "),"
        + " (SELECT sum(price_brl) FROM " + lines + "),"
        + " (SELECT count(*) FROM dim_sellers WHERE seller_state_code IN " + inList(states) + "),"
        + " (SELECT count(DISTINCT customer_sk) FROM " + lines + " WHERE customer_sk <> -1),"
        + " (SELECT count(*) FROM (SELECT DISTINCT customer_sk, order_id FROM " + lines
        + "   WHERE customer_sk <> -1)),"
        + " (SELECT count(DISTINCT product_sk) FROM " + lines + " WHERE product_sk <> -1),"
        + " (SELECT count(*) FROM dim_date)");
  }

  static String seen(String schema) {
    String s = "olist." + schema + ".";
    return "SELECT (SELECT count(*) FROM " + s + "fct_order_items), (SELECT sum(price_brl) FROM " + s
        + "fct_order_items), (SELECT count(*) FROM " + s + "dim_sellers WHERE seller_sk <> -1),"
        + " (SELECT count(*) FROM " + s + "dim_customers WHERE customer_sk <> -1),"
        + " (SELECT sum(order_count) FROM " + s + "dim_customers), (SELECT count(*) FROM " + s
        + "dim_products WHERE product_sk <> -1), (SELECT count(*) FROM olist.marts.dim_date)";
  }

  /**
   * The one schema of the catalog a user can see besides information_schema and the base marts' schema, where they
   * read only the marts that hold nothing of anyone's (dim_date).
   */
  static String schemaOf(String user) throws IOException, InterruptedException {
    Outcome o = sql(user, "SHOW SCHEMAS FROM olist");
    assertFalse(o.error(), user + ": " + o);
    List<String> schemas = o.rows().stream().map(r -> r.get(0))
        .filter(s -> !s.equals("information_schema") && !s.equals("marts")).toList();
    assertEquals(1, schemas.size(), user + " sees exactly one schema: " + schemas);
    assertTrue(schemas.get(0).startsWith("secure_"), schemas.get(0));
    return schemas.get(0);
  }

  static void checkEverything(String phase) throws Exception {
    registerSparkViews();
    Map<String, Set<String>> users = seedStates();
    assertTrue(users.size() >= 10, "the regional managers, directors of two regions, NATIONAL, NATIONAL plus SUL");
    long factRows = TestSpark.spark().table("fct_order_items").count();
    boolean somePart = false;
    for (Map.Entry<String, Set<String>> u : users.entrySet()) {
      String schema = schemaOf(u.getKey());
      List<String> want = expected(u.getValue());
      assertEquals(want, row(u.getKey(), seen(schema)), phase + ": what " + u.getKey() + " sees in " + schema);
      long n = Long.parseLong(want.get(0));
      somePart |= n > 0 && n < factRows;
    }
    assertTrue(somePart, phase + ": some regional user sees part of the fact, not all of it");

    Outcome denied = sql("sul.manager@olist.com", "SELECT count(*) FROM olist.marts.fct_order_items");
    assertTrue(denied.error() && denied.text().contains("Access Denied"), phase + ": base table: " + denied);

    for (TableModel t : ModelCatalog.get().tablesInLayer(Layer.MARTS)) {
      String agg = aggregates(t);
      assertEquals(spark("SELECT " + agg + " FROM " + t.name()), row(ADMIN, "SELECT " + agg + " FROM olist.marts."
          + t.name()), phase + ": admin's aggregates of " + t.name());
    }
  }

  @Test
  @Order(1)
  void everyUserSeesExactlyTheirStates() throws Exception {
    checkEverything("first load");
  }

  /** A probe: one statement with {@code %s} where the value aimed at goes, on the user's schema ({@code S}). */
  record Probe(String name, String template, String target) {
    String on(String schema, String value) {
      return template.replace("S.", "olist." + schema + ".").replace("%s", value);
    }

    /** Whether a visible value makes the probe fail (an error oracle), as a check that the probe works. */
    boolean trips() {
      return !name.startsWith("EXPLAIN") && !name.startsWith("metadata") && !name.startsWith("information");
    }
  }

  static final String ORDER = "order";
  static final String PERSON = "person";
  static final List<Probe> PROBES = List.of(
      new Probe("division by zero", "SELECT count(*) FROM S.fct_order_items"
          + " WHERE 1/(CASE WHEN order_id = '%s' THEN 0 ELSE 1 END) > 0", ORDER),
      new Probe("division by zero on a value", "SELECT count(*) FROM S.fct_order_items"
          + " WHERE 1/(CASE WHEN order_id LIKE '%s%%' AND price_brl > 0 THEN 0 ELSE 1 END) > 0", ORDER),
      new Probe("failing cast", "SELECT count(*) FROM S.fct_order_items"
          + " WHERE CAST(CASE WHEN order_id = '%s' THEN 'x' ELSE '1' END AS integer) = 1", ORDER),
      new Probe("array subscript", "SELECT count(*) FROM S.fct_order_items"
          + " WHERE ARRAY[1][CASE WHEN order_id = '%s' THEN 2 ELSE 1 END] = 1", ORDER),
      new Probe("element_at", "SELECT count(*) FROM S.fct_order_items"
          + " WHERE element_at(ARRAY[1], CASE WHEN order_id = '%s' THEN 0 ELSE 1 END) = 1", ORDER),
      new Probe("regexp", "SELECT count(*) FROM S.fct_order_items"
          + " WHERE regexp_like(order_id, CASE WHEN order_id = '%s' THEN '(' ELSE '.' END)", ORDER),
      new Probe("join to a dimension", "SELECT count(*) FROM S.fct_order_items f JOIN S.dim_customers c"
          + " ON c.customer_sk = f.customer_sk WHERE 1/(CASE WHEN f.order_id = '%s' THEN 0 ELSE 1 END) > 0", ORDER),
      new Probe("person, division by zero", "SELECT count(*) FROM S.dim_customers"
          + " WHERE 1/(CASE WHEN customer_unique_id = '%s' THEN 0 ELSE 1 END) > 0", PERSON),
      new Probe("person, failing cast", "SELECT count(*) FROM S.dim_customers"
          + " WHERE CAST(CASE WHEN customer_unique_id = '%s' THEN 'x' ELSE '1' END AS integer) = 1", PERSON),
      new Probe("EXPLAIN", "EXPLAIN SELECT count(*) FROM S.fct_order_items WHERE order_id = '%s'", ORDER),
      new Probe("EXPLAIN ANALYZE", "EXPLAIN ANALYZE SELECT count(*), sum(price_brl) FROM S.fct_order_items"
          + " WHERE order_id = '%s'", ORDER),
      new Probe("EXPLAIN ANALYZE, person", "EXPLAIN ANALYZE SELECT count(*) FROM S.dim_customers"
          + " WHERE customer_unique_id = '%s'", PERSON),
      new Probe("metadata: $partitions", "SELECT count(*) FROM S.\"fct_order_items$partitions\""
          + " WHERE strpos(data.order_id.min || data.order_id.max, '%s') > 0", ORDER),
      new Probe("information_schema", "SELECT count(*) FROM olist.information_schema.columns"
          + " WHERE table_schema <> 'information_schema' AND strpos(column_name || table_name, '%s') = 0", ORDER));

  /** A statement's outcome with the value aimed at, timings, sizes and ids taken out: what may differ by chance. */
  static String comparable(Outcome o, String value) {
    String text = o.toString().replace(value, "<value>");
    return text.replaceAll("\\d+(\\.\\d+)?\\s?(ns|us|ms|s|m|h|d|B|kB|MB|GB|TB|PB)\\b", "<q>")
        .replaceAll("(\\d+(\\.\\d+)?|\\?)%", "<p>")
        .replaceAll("(?i)(std\\.dev\\.|±)\\s*<[qp]>", "<sd>")
        .replaceAll("\\d{8}_\\d{6}_\\d{5}_\\w{5}", "<query>")
        .replaceAll("(Input avg\\.|Output avg\\.):[^,\\]\\n]*", "$1 <avg>")
        .replaceAll("rows/s\\b", "rows/<t>");
  }

  /** One hidden and one visible value of each kind for a user, chosen by Spark from the base marts. */
  static Map<String, Optional<String>> values(Set<String> states, boolean hidden) {
    String lines = visibleLines(states);
    String orders = hidden
        ? "SELECT order_id FROM fct_order_items WHERE order_id NOT IN (SELECT order_id FROM " + lines + ")"
        : "SELECT order_id FROM " + lines;
    String persons = hidden
        ? "SELECT customer_unique_id FROM dim_customers WHERE customer_sk <> -1 AND customer_sk NOT IN"
            + " (SELECT customer_sk FROM " + lines + ") AND customer_sk IN (SELECT customer_sk FROM fct_order_items)"
        : "SELECT c.customer_unique_id FROM dim_customers c JOIN " + lines + " l ON l.customer_sk = c.customer_sk"
            + " WHERE c.customer_sk <> -1";
    Map<String, Optional<String>> out = new LinkedHashMap<>();
    out.put(ORDER, first(orders + " ORDER BY 1"));
    out.put(PERSON, first(persons + " ORDER BY 1"));
    return out;
  }

  private static Optional<String> first(String sql) {
    List<String> v = TestSpark.spark().sql(sql).as(Encoders.STRING()).limit(1).collectAsList();
    return v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  /**
   * A value next to {@code value} (its last character changed) that no row holds: what a table that never held
   * {@code value} answers, down to file and row-group pruning by min/max statistics and dictionaries.
   */
  static String absentNeighbour(String value, String table, String column) {
    String hex = "0123456789abcdef";
    char last = value.charAt(value.length() - 1);
    for (int i = 1; i < hex.length(); i++) {
      String candidate = value.substring(0, value.length() - 1) + hex.charAt((hex.indexOf(last) + i) % hex.length());
      if (TestSpark.spark().sql("SELECT 1 FROM " + table + " WHERE " + column + " = '" + candidate + "'").isEmpty()) {
        return candidate;
      }
    }
    throw new AssertionError("no absent neighbour of " + value);
  }

  static String neighbourOf(String value, String target) {
    return target.equals(ORDER) ? absentNeighbour(value, "fct_order_items", "order_id")
        : absentNeighbour(value, "dim_customers", "customer_unique_id");
  }

  /** Each value's absent neighbour ({@link #neighbourOf}) by target, looked up once for every probe aimed at it. */
  static Map<String, String> neighbours(Map<String, Optional<String>> values) {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((target, value) -> value.ifPresent(v -> out.put(target, neighbourOf(v, target))));
    return out;
  }

  @Test
  @Order(2)
  void noProbeTellsAHiddenValueFromOneThatExistsNowhere() throws Exception {
    registerSparkViews();
    Map<String, Set<String>> users = seedStates();
    int hiddenProbes = 0;
    List<String> leaks = new ArrayList<>();
    for (Map.Entry<String, Set<String>> u : users.entrySet()) {
      String schema = schemaOf(u.getKey());
      Map<String, Optional<String>> hidden = values(u.getValue(), true);
      Map<String, Optional<String>> visible = values(u.getValue(), false);
      Map<String, String> hiddenNeighbours = neighbours(hidden);
      Map<String, String> visibleNeighbours = neighbours(visible);
      for (Probe p : PROBES) {
        if (hidden.get(p.target()).isPresent()) {
          String h = hidden.get(p.target()).get();
          String n = hiddenNeighbours.get(p.target());
          String got = comparable(sql(u.getKey(), p.on(schema, h)), h);
          String absent = comparable(sql(u.getKey(), p.on(schema, n)), n);
          hiddenProbes++;
          if (!got.equals(absent)) {
            leaks.add(u.getKey() + " / " + p.name() + ":\n  hidden: " + got + "\n  absent: " + absent);
          }
        }
        if (visible.get(p.target()).isPresent() && p.trips()) {
          String v = visible.get(p.target()).get();
          String n = visibleNeighbours.get(p.target());
          assertNotEquals(comparable(sql(u.getKey(), p.on(schema, n)), n),
              comparable(sql(u.getKey(), p.on(schema, v)), v),
              u.getKey() + " / " + p.name() + ": the probe trips on a visible value (the oracle is live)");
        }
      }
    }
    assertEquals(List.of(), leaks, "probes that tell a hidden value from an absent one");
    assertTrue(hiddenProbes > 50, "regional users have hidden lines and persons to aim at: " + hiddenProbes);
  }

  @Test
  @Order(3)
  void metadataCatalogAndSystemTablesShowOnlyTheUsersOwnSet() throws Exception {
    registerSparkViews();
    for (Map.Entry<String, Set<String>> u : seedStates().entrySet()) {
      String user = u.getKey();
      String schema = schemaOf(user);
      String lines = visibleLines(u.getValue());
      assertEquals(spark("SELECT count(DISTINCT order_year_month) FROM " + lines),
          row(user, "SELECT count(*) FROM olist." + schema + ".\"fct_order_items$partitions\""),
          user + ": $partitions lists the months of their lines only");
      Row range = TestSpark.spark().sql("SELECT min(order_id), max(order_id) FROM " + lines).first();
      Outcome stats = sql(user, "SELECT min(data.order_id.min), max(data.order_id.max) FROM olist." + schema
          + ".\"fct_order_items$partitions\"");
      assertEquals(List.of(Arrays.asList(range.getString(0), range.getString(1))), stats.rows(),
          user + ": the file statistics in $partitions span their lines only");
      Outcome history = sql(user, "SELECT * FROM olist." + schema + ".\"fct_order_items$history\"");
      assertFalse(history.error(), history.toString());
      assertFalse(history.toString().contains("high_water_mark"), "no commit metadata of the base fact");
      assertFalse(sql(user, "SELECT * FROM olist." + schema + ".\"fct_order_items$properties\"").error());

      Outcome tables = sql(user, "SELECT DISTINCT table_schema FROM olist.information_schema.tables");
      assertEquals(Set.of("information_schema", schema, "marts"), tables.rows().stream().map(r -> r.get(0))
          .collect(Collectors.toSet()), user + ": information_schema lists their schema and the shared marts only");
      Outcome shared = sql(user, "SELECT table_name FROM olist.information_schema.tables WHERE table_schema = 'marts'");
      assertEquals(List.of("dim_date"), shared.rows().stream().map(r -> r.get(0)).toList(),
          user + ": of the base marts, only dim_date, which holds nothing of anyone's");
      Outcome catalogs = sql(user, "SHOW CATALOGS");
      assertEquals(Set.of("olist"), catalogs.rows().stream().map(r -> r.get(0)).collect(Collectors.toSet()), user
          + ": " + catalogs);
      for (String system : List.of("SELECT * FROM system.runtime.queries", "SELECT * FROM system.runtime.nodes",
          "SELECT * FROM system.metadata.table_comments", "SELECT * FROM olist.marts.\"fct_order_items$history\"",
          "SELECT count(*) FROM olist." + otherSchema(schema) + ".fct_order_items",
          "SELECT count(*) FROM TABLE(olist.system.table_changes('" + otherSchema(schema) + "', 'fct_order_items', 0))",
          "CALL olist.system.register_table(schema_name => '" + schema + "', table_name => 'x', table_location => '"
              + "local://" + wh.resolve("secure/national/fct_order_items") + "')",
          "CREATE TABLE olist." + schema + ".x AS SELECT 1 AS a", "ANALYZE olist." + schema + ".fct_order_items",
          "CALL olist.system.vacuum('" + schema + "', 'fct_order_items', '0s')")) {
        Outcome o = sql(user, system);
        assertTrue(o.error() && o.text().contains("Access Denied"), user + ": " + system + " -> " + o);
      }
    }
  }

  private static String otherSchema(String schema) {
    return schema.equals("secure_sul") ? "secure_norte" : "secure_sul";
  }

  @Test
  @Order(4)
  void aUserWithoutMappingReadsNothingAndLearnsNothing() throws Exception {
    registerSparkViews();
    String visibleToNational = values(Set.of("SP"), false).get(ORDER).orElseThrow();
    for (Probe p : PROBES) {
      Outcome aimed = sql(NOBODY, p.on("secure_national", visibleToNational));
      Outcome absent = sql(NOBODY, p.on("secure_national", ABSENT_ID));
      assertTrue(aimed.error() && aimed.text().contains("Access Denied"), p.name() + " -> " + aimed);
      assertEquals(comparable(absent, ABSENT_ID), comparable(aimed, visibleToNational), p.name());
    }
    for (String statement : List.of("SHOW SCHEMAS FROM olist", "SELECT * FROM olist.information_schema.tables",
        "SELECT * FROM olist.secure_national.\"fct_order_items$partitions\"", "SELECT * FROM system.runtime.queries",
        "SELECT * FROM olist.marts.fct_order_items")) {
      Outcome o = sql(NOBODY, statement);
      assertTrue(o.error() && o.text().contains("Access Denied"), statement + " -> " + o);
    }
    Outcome catalogs = sql(NOBODY, "SHOW CATALOGS");
    assertTrue(catalogs.error() || catalogs.rows().isEmpty(), "no catalog for the unmapped user: " + catalogs);
  }

  @Test
  @Order(5)
  void theCopiesFollowAnIncrementalMergeAndASeedChange() throws Exception {
    Path after = dir.resolve("after");
    new DataGenJob(0.01, 17, after.toString(), LocalDate.of(2018, 5, 31)).generate(TestSpark.spark());
    long version = Pipeline.version(wh, MART, "fct_order_items");
    // a new manager for the north-east, and the south manager leaves
    List<String> users = new ArrayList<>(Files.readAllLines(seeds.resolve("rls_users.csv")));
    users.removeIf(l -> l.startsWith("sul.manager@"));
    users.add("second.nordeste.manager@olist.com,NORDESTE,analyst");
    Files.write(seeds.resolve("rls_users.csv"), users, StandardCharsets.UTF_8);
    runPipeline(after, "later");
    assertTrue(Pipeline.version(wh, MART, "fct_order_items") > version, "the later snapshot was loaded");
    String operation = TestSpark.spark().sql("DESCRIBE HISTORY delta.`" + wh.resolve("marts/fct_order_items")
        + "` LIMIT 1").first().getAs("operation");
    assertEquals("MERGE", operation, "the later snapshot was MERGEd, not rebuilt");
    Result sync = script(List.of("sync"));
    assertEquals(0, sync.rc, sync.out);

    checkEverything("after the incremental MERGE");
    for (String statement : List.of("SELECT count(*) FROM olist.secure_sudeste_sul.fct_order_items",
        "SHOW SCHEMAS FROM olist")) {
      Outcome gone = sql("sul.manager@olist.com", statement);
      assertTrue(gone.error() && gone.text().contains("Access Denied"), "a removed user reads nothing: " + gone);
    }
    assertFalse(Files.exists(wh.resolve("secure/sul")), "the set no user has any more is gone");
    assertEquals("secure_nordeste", schemaOf("second.nordeste.manager@olist.com"));
  }
}
