package org.olist.marts.jobs.rls;

import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.max;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.audit.WriteDetail;
import org.olist.marts.common.config.OlistConfig;
import org.olist.marts.jobs.testing.AuditRow;
import org.olist.marts.jobs.testing.JobTest;
import org.olist.marts.jobs.testing.OlistData;
import org.olist.marts.jobs.testing.Pipeline;
import org.olist.marts.jobs.testing.SampleWarehouse;
import org.olist.marts.jobs.testing.TestSpark;
import org.olist.marts.jobs.warehouse.AuditDetail;
import org.olist.marts.jobs.warehouse.Tables;

/**
 * The rls job's secured copies on the sample (SPEC §5): each access set's copies hold exactly its states' lines;
 * a copy is written only where its own rows changed (an order of an SP seller changes the sets that see SP, and no
 * other set gets a commit); a seed change is one rls run (a removed user's set is gone, a new user in an existing
 * set costs no write); an unknown access level fails the job before anything is written.
 */
@JobTest
class RlsJobTest {
  private static final Path SHIPPED_SEEDS = OlistData.sample().getParent().resolve("seeds");
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir
  Path dir;
  Path wh;
  Path seeds;

  OlistConfig config(Path input, String runId) {
    return SampleWarehouse.config(input, wh, runId, Map.of(OlistConfig.RLS_SEEDS, seeds.toString()));
  }

  @BeforeEach
  void copyTheSampleWarehouse() throws IOException {
    // the sample through all six jobs (built once per build, copied for each test): the rls job wrote every copy
    wh = SampleWarehouse.copyTo(dir.resolve("wh"));
    seeds = Pipeline.copy(SHIPPED_SEEDS, dir.resolve("seeds"));
  }

  Path copy(String set, String table) {
    return wh.resolve("secure").resolve(set).resolve(table);
  }

  Set<String> sets() throws IOException {
    try (Stream<Path> s = Files.list(wh.resolve("secure"))) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).collect(Collectors.toCollection(
          TreeSet::new));
    }
  }

  Map<String, Long> versions() throws IOException {
    Map<String, Long> out = new TreeMap<>();
    for (String set : sets()) {
      for (String table : Tables.SECURED) {
        out.put(set + "/" + table, Pipeline.version(wh, "secure/" + set, table));
      }
    }
    return out;
  }

  JsonNode rules() throws IOException {
    return JSON.readTree(wh.resolve("secure").resolve(TrinoAccessRules.FILE).toFile());
  }

  /** The users each access set's schema rule names (the user regex, unquoted). */
  Map<String, String> schemaUsers() throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode rule : rules().get("tables")) {
      if (rule.has("schema") && rule.get("schema").asText().startsWith(AccessSet.SCHEMA_PREFIX)) {
        out.put(rule.get("schema").asText(), rule.get("user").asText().replace("\\Q", "").replace("\\E", ""));
      }
    }
    return out;
  }

  Dataset<Row> baseLines(Set<String> states) {
    Dataset<Row> sellers = Pipeline.table(wh, "marts", Tables.DIM_SELLERS);
    return Pipeline.table(wh, "marts", Tables.FCT_ORDER_ITEMS).join(sellers.select("seller_sk", "seller_state_code"),
        "seller_sk").filter(sellers.col("seller_state_code").isin(states.toArray()));
  }

  @Test
  void eachSetsCopiesHoldExactlyItsStatesLines() throws IOException {
    Map<String, Row> written = Pipeline.audit(wh, SampleWarehouse.RUN_ID);
    assertEquals(Set.of("centro_oeste", "national", "nordeste", "norte", "sudeste", "sudeste_sul", "sul"), sets());
    Map<String, Set<String>> states = new LinkedHashMap<>(Map.of("sul", Set.of("PR", "RS", "SC"),
        "sudeste_sul", Set.of("ES", "MG", "RJ", "SP", "PR", "RS", "SC")));
    for (Map.Entry<String, Set<String>> e : states.entrySet()) {
      Dataset<Row> copied = Pipeline.table(wh, "secure/" + e.getKey(), Tables.FCT_ORDER_ITEMS);
      Row base = baseLines(e.getValue()).selectExpr("count(*)", "sum(price_brl)", "count(DISTINCT order_id)")
          .first();
      Row got = copied.selectExpr("count(*)", "sum(price_brl)", "count(DISTINCT order_id)").first();
      assertEquals(base, got, e.getKey() + ": lines, money and orders of its states");
      assertEquals(base.getLong(0), (long) written.get("secure/" + e.getKey() + "/" + Tables.FCT_ORDER_ITEMS)
          .getAs("rows_out"), e.getKey() + ": the rls job wrote the copy");
      assertTrue(base.getLong(0) > 0, e.getKey() + " sees some lines of the sample");
      Dataset<Row> sellers = Pipeline.table(wh, "secure/" + e.getKey(), Tables.DIM_SELLERS);
      assertEquals(0, sellers.filter("seller_sk <> -1").filter(sellers.col("seller_state_code")
          .isin(e.getValue().toArray()).unary_$bang()).count(), e.getKey() + ": only its states' sellers");
      Dataset<Row> persons = Pipeline.table(wh, "secure/" + e.getKey(), Tables.DIM_CUSTOMERS)
          .filter("customer_sk <> -1");
      long visiblePurchases = copied.filter("customer_sk <> -1").select("customer_sk", "order_id").distinct().count();
      assertEquals(visiblePurchases, (long) persons.selectExpr("sum(order_count)").first().getLong(0),
          e.getKey() + ": order counts of the orders it sees");
      assertEquals(copied.filter("customer_sk <> -1").select("customer_sk").distinct().count(), persons.count());
      Row numbers = copied.filter("customer_sk <> -1").groupBy("customer_sk")
          .agg(max("order_sequence_number").alias("n"), countDistinct("order_id").alias("orders"))
          .selectExpr("count_if(n <> orders)").first();
      assertEquals(0L, numbers.getLong(0), e.getKey() + ": each person's visible orders numbered 1..n");
    }
    assertEquals("national", schemaUsers().entrySet().stream().filter(x -> x.getValue().contains("ceo@olist.com"))
        .map(x -> x.getKey().substring(AccessSet.SCHEMA_PREFIX.length())).findFirst().orElseThrow());
  }

  /**
   * A person's location in a set's copy is that of their most recent order the set sees, found here from the
   * staged orders and customers; on the sample some SUL customers bought later from sellers elsewhere.
   */
  @Test
  void aPersonInACopyIsLocatedByTheirMostRecentVisibleOrder() {
    Dataset<Row> copied = Pipeline.table(wh, "secure/sul", Tables.FCT_ORDER_ITEMS).filter("customer_sk <> -1");
    Dataset<Row> orders = Pipeline.table(wh, "staging", Tables.STG_ORDERS)
        .select("order_id", "customer_id", "order_purchase_timestamp");
    Dataset<Row> located = Pipeline.table(wh, "staging", Tables.STG_CUSTOMERS).select("customer_id",
        "customer_city", "customer_state", "customer_zip_code_prefix");
    Dataset<Row> expected = copied.select("customer_sk", "order_id").distinct().join(orders, "order_id")
        .join(located, "customer_id")
        .groupBy("customer_sk").agg(expr("max_by(struct(customer_city, customer_state, customer_zip_code_prefix), "
            + "struct(order_purchase_timestamp, order_id))").alias("at"));
    Dataset<Row> persons = Pipeline.table(wh, "secure/sul", Tables.DIM_CUSTOMERS).filter("customer_sk <> -1");
    Dataset<Row> got = persons.selectExpr("customer_sk",
        "struct(customer_city, customer_state_code, customer_zip_code_prefix) AS got");
    assertEquals(persons.count(), expected.count(), "one expected location per person of the copy");
    Dataset<Row> wrong = expected.join(got, "customer_sk").filter("NOT (at <=> got)");
    assertEquals(List.of(), wrong.limit(5).collectAsList(), "persons located by an order SUL does not see");
    long movedOnElsewhere = Pipeline.table(wh, "marts", Tables.DIM_CUSTOMERS).selectExpr("customer_sk",
            "struct(customer_city, customer_state_code, customer_zip_code_prefix) AS base")
        .join(got, "customer_sk").filter("NOT (base <=> got)").count();
    assertTrue(movedOnElsewhere > 0, "the sample has persons whose latest order SUL does not see");
  }

  /** SPEC §5: dim_date holds nothing of anyone's; a copy an earlier version wrote is removed. */
  @Test
  void noSetHasADimDateCopyAndAnOlderOneIsRemoved() throws IOException {
    assertFalse(Files.exists(copy("sul", Tables.DIM_DATE)), "every user reads the one base dim_date");
    Pipeline.copyTree(copy("sul", Tables.DIM_SELLERS), copy("sul", Tables.DIM_DATE));
    new RlsJob().run(TestSpark.spark(), config(OlistData.sample(), "rls-stale"));
    assertFalse(Files.exists(copy("sul", Tables.DIM_DATE)), "the stale copy is gone");
    assertTrue(Files.isDirectory(copy("sul", Tables.DIM_SELLERS).resolve("_delta_log")), "the copies stay");
  }

  @Test
  void anUnchangedRunWritesNoCopy() throws IOException {
    Map<String, Long> before = versions();
    new RlsJob().run(TestSpark.spark(), config(OlistData.sample(), "rls-2"));
    assertEquals(before, versions(), "no row changed, so no copy has a new version");
  }

  @Test
  void aChangedOrderRewritesOnlyItsLineInTheSetsThatSeeIt() throws IOException {
    Set<String> sp = Set.of("SP");
    Row order = baseLines(sp).filter("order_status = 'delivered'").groupBy("order_id", "order_year_month")
        .count().filter("count = 1").orderBy("order_id").first();
    String orderId = order.getString(0);
    assertEquals(1, Pipeline.table(wh, "marts", Tables.FCT_ORDER_ITEMS).filter("order_id = '" + orderId + "'").count(),
        "an order with one line, sold from SP");
    Path input = Pipeline.copy(OlistData.sample(), dir.resolve("changed"));
    Path orders = input.resolve("olist_orders_dataset.csv");
    List<String> lines = new ArrayList<>(Files.readAllLines(orders, StandardCharsets.UTF_8));
    int changed = 0;
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).replace("\"", "").startsWith(orderId + ",")) {
        lines.set(i, lines.get(i).replace(",delivered,", ",canceled,"));
        changed++;
      }
    }
    assertEquals(1, changed);
    Files.write(orders, lines, StandardCharsets.UTF_8);
    Pipeline.run(config(input, "marts-2"));

    Map<String, Long> before = versions();
    new RlsJob().run(TestSpark.spark(), config(input, "rls-3"));
    Map<String, Long> after = versions();
    Set<String> written = after.keySet().stream().filter(k -> !after.get(k).equals(before.get(k)))
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of("national/fct_order_items", "sudeste/fct_order_items", "sudeste_sul/fct_order_items"),
        written, "only the fact copies of the sets that see SP; the person figures did not change");
    AuditRow details = AuditRow.of(wh, "rls-3", "secure/sudeste/" + Tables.FCT_ORDER_ITEMS);
    details.expect(AuditDetail.REFRESH, CopyRefresh.Mode.CHANGES.word());
    details.expect(WriteDetail.ROWS_UPDATED, 1);
    details.expect(WriteDetail.ROWS_INSERTED, 0);
    details.expect(WriteDetail.ROWS_DELETED, 0);
    assertEquals("canceled", Pipeline.table(wh, "secure/sudeste", Tables.FCT_ORDER_ITEMS)
        .filter("order_id = '" + orderId + "'").first().getAs("order_status"));
  }

  @Test
  void aSeedChangeIsOneRlsRun() throws IOException {
    List<String> users = new ArrayList<>(Files.readAllLines(seeds.resolve(RlsSeeds.USERS_FILE)));
    users.removeIf(l -> l.startsWith("norte.manager@"));
    users.add("new.sul.manager@olist.com,SUL,regional_manager");
    Files.write(seeds.resolve(RlsSeeds.USERS_FILE), users, StandardCharsets.UTF_8);
    Map<String, Long> before = versions();
    before.keySet().removeIf(k -> k.startsWith("norte/"));

    new RlsJob().run(TestSpark.spark(), config(OlistData.sample(), "rls-4"));
    assertFalse(sets().contains("norte"), "the removed manager's set is gone");
    assertEquals(before, versions(), "a new user in an existing set writes no copy");
    Map<String, String> access = schemaUsers();
    assertFalse(access.containsKey("secure_norte"));
    assertFalse(access.values().stream().anyMatch(u -> u.contains("norte.manager")), "the removed user has no rule");
    assertTrue(access.get("secure_sul").contains("new.sul.manager@olist.com"));
  }

  @Test
  void anUnknownAccessLevelFailsBeforeAnythingIsWritten() throws IOException {
    List<String> users = new ArrayList<>(Files.readAllLines(seeds.resolve(RlsSeeds.USERS_FILE)));
    users.add("intern@olist.com,SUL,superuser");
    Files.write(seeds.resolve(RlsSeeds.USERS_FILE), users, StandardCharsets.UTF_8);
    String rulesBefore = Files.readString(wh.resolve("secure").resolve(TrinoAccessRules.FILE));
    long usersVersion = Pipeline.version(wh, "marts", Tables.RLS_USERS);
    OlistException e = assertThrows(OlistException.class,
        () -> new RlsJob().run(TestSpark.spark(), config(OlistData.sample(), "rls-5")));
    assertTrue(e.getMessage().contains("unknown access_level 'superuser' (one of executive, director, "
        + "regional_manager, analyst)"), e.getMessage());
    assertEquals(usersVersion, Pipeline.version(wh, "marts", Tables.RLS_USERS));
    assertEquals(rulesBefore, Files.readString(wh.resolve("secure").resolve(TrinoAccessRules.FILE)));
    assertNotEquals(0, rulesBefore.length());
  }
}
