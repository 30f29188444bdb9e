package org.olist.marts.jobs.rls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.olist.marts.jobs.testing.Frames.date;
import static org.olist.marts.jobs.testing.Frames.money;
import static org.olist.marts.jobs.testing.Frames.ts;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.olist.marts.common.delta.KeptPrints;
import org.olist.marts.jobs.testing.Frames;
import org.olist.marts.jobs.warehouse.Tables;

/**
 * A secured copy is what a fact that never held the hidden lines would give: the same rows, numbers, hashes and
 * person figures whatever the hidden lines were.
 */
class SecuredCopiesTest {
  private static final Set<String> SUL = Set.of("PR", "RS", "SC");
  /** Two sets: what SUL sees must not depend on SP's lines, nor on the other set being built beside it. */
  private static final Map<String, Set<String>> SETS = Map.of("sul", SUL, "sp", Set.of("SP"));
  private static final Timestamp COPIED = ts("2020-01-01 00:00:00");
  private static final long P1 = 101;
  private static final long P2 = 102;

  private static Object[] line(String order, int item, long person, long product, long seller, String day,
                               Integer sequence, String hash) {
    return new Object[] {(long) (order.hashCode() * 10 + item), order, item, person, product, seller,
        Integer.parseInt(day.replace("-", "")), date(day), day.substring(0, 7), "delivered", money("10.00"),
        money("1.50"), sequence, 5, false, true, null, ts(day + " 12:00:00"), hash, ts("2019-06-01 00:00:00")};
  }

  private static Dataset<Row> sellers() {
    return Frames.table(Tables.DIM_SELLERS, new Object[] {-1L, "unknown", null, null, null},
        new Object[] {10L, "s-sp", "sao paulo", "SP", "01000"}, new Object[] {20L, "s-rs", "porto alegre", "RS",
            "90000"});
  }

  private static Object[] person(long sk, String id, String city, String state, String first, String last,
                                 long orders) {
    return new Object[] {sk, id, city, state, city == null ? null : state + "000", first == null ? null : date(first),
        last == null ? null : date(last), orders, orders > 1};
  }

  /** The base dim_customers: P1 located where their latest order, H (sold from SP), went. */
  private static Dataset<Row> customers() {
    return Frames.table(Tables.DIM_CUSTOMERS, person(-1, "unknown", null, null, null, null, 0),
        person(P1, "p1", "campinas", "SP", "2017-01-05", "2017-05-02", 5),
        person(P2, "p2", "santos", "SP", "2017-02-11", "2017-03-20", 2));
  }

  /** dim_customers of a warehouse that never held the SP lines: P1 located by D, P2 by G. */
  private static Dataset<Row> customersWithoutTheHiddenLines() {
    return Frames.table(Tables.DIM_CUSTOMERS, person(-1, "unknown", null, null, null, null, 0),
        person(P1, "p1", "florianopolis", "SC", "2017-01-05", "2017-04-01", 3),
        person(P2, "p2", "santos", "SP", "2017-03-20", "2017-03-20", 1));
  }

  /** Where each order went ({@link SecuredCopies#orderLocations}'s layout). */
  private static Dataset<Row> locations() {
    return Frames.of("order_id string, customer_city string, customer_state_code string, "
            + "customer_zip_code_prefix string",
        new Object[] {"A", "curitiba", "PR", "PR000"}, new Object[] {"B", "sao paulo", "SP", "SP000"},
        new Object[] {"C", "londrina", "PR", "PR000"}, new Object[] {"D", "florianopolis", "SC", "SC000"},
        new Object[] {"E", "santos", "SP", "SP000"}, new Object[] {"F", "recife", "PE", "PE000"},
        new Object[] {"G", "santos", "SP", "SP000"}, new Object[] {"H", "campinas", "SP", "SP000"});
  }

  private static Dataset<Row> locationsWithoutTheHiddenLines() {
    return locations().filter("order_id NOT IN ('B', 'E', 'H')");
  }

  private static Object[] product(long sk) {
    return new Object[] {sk, "prod" + sk, "cat", "cat", 1, 1, 1, 1, 1L, 1, true, null};
  }

  private static Dataset<Row> products() {
    return Frames.table(Tables.DIM_PRODUCTS, product(-1), product(1), product(2), product(3));
  }

  /**
   * P1 bought A (RS), B (SP), C (RS), D (one line SP, one RS), H (SP, the latest); P2 bought E (SP) and G (unknown
   * seller); F has no known person.
   */
  private static Dataset<Row> fact() {
    return Frames.table(Tables.FCT_ORDER_ITEMS,
        line("A", 1, P1, 1, 20, "2017-01-05", 1, "h1"), line("B", 1, P1, 2, 10, "2017-02-10", 2, "h2"),
        line("C", 1, P1, 1, 20, "2017-03-01", 3, "h3"), line("D", 1, P1, 2, 10, "2017-04-01", 4, "h4"),
        line("D", 2, P1, 3, 20, "2017-04-01", 4, "h5"), line("E", 1, P2, 2, 10, "2017-02-11", 1, "h6"),
        line("F", 1, -1, 1, 20, "2017-03-15", null, "h7"), line("G", 1, P2, 1, -1, "2017-03-20", 2, "h8"),
        line("H", 1, P1, 2, 10, "2017-05-02", 5, "h9"));
  }

  /** What the fact would hold had SP never existed: P1's orders A, C, D numbered 1..3, other hashes and stamps. */
  private static Dataset<Row> factWithoutTheHiddenLines() {
    return Frames.table(Tables.FCT_ORDER_ITEMS,
        line("A", 1, P1, 1, 20, "2017-01-05", 1, "x1"), line("C", 1, P1, 1, 20, "2017-03-01", 2, "x3"),
        line("D", 2, P1, 3, 20, "2017-04-01", 3, "x5"), line("F", 1, -1, 1, 20, "2017-03-15", null, "x7"));
  }

  /** Every set's lines, tagged with their set. */
  private static Dataset<Row> tagged(Dataset<Row> fact, Map<String, Set<String>> sets, Timestamp at) {
    return SecuredCopies.stamped(SecuredCopies.lines(SecuredCopies.stated(fact, sellers()), sets), fact.columns(), at);
  }

  private static Dataset<Row> ofSet(Dataset<Row> tagged, String set) {
    return tagged.filter(tagged.col(SecuredCopies.ACCESS_SET).equalTo(set)).drop(SecuredCopies.ACCESS_SET);
  }

  private static Dataset<Row> sul(Dataset<Row> tagged) {
    return ofSet(tagged, "sul");
  }

  /** SUL's copy of the fact. */
  private static Dataset<Row> lines(Dataset<Row> fact) {
    return sul(tagged(fact, SETS, COPIED));
  }

  private static Dataset<Row> customersOf(Dataset<Row> fact) {
    return customersOf(fact, customers(), locations());
  }

  private static Dataset<Row> customersOf(Dataset<Row> fact, Dataset<Row> customers, Dataset<Row> locations) {
    return sul(SecuredCopies.customers(customers, setLines(fact), locations, SETS.keySet()));
  }

  /** Every set's lines as the rls job derives the dimensions' copies from them (not yet stamped). */
  private static Dataset<Row> setLines(Dataset<Row> fact) {
    return SecuredCopies.lines(SecuredCopies.stated(fact, sellers()), SETS);
  }

  private static Dataset<Row> productsOf(Dataset<Row> fact) {
    return sul(SecuredCopies.products(products(), tagged(fact, SETS, COPIED), SETS.keySet()));
  }

  private static Map<String, Row> byKey(Dataset<Row> rows, String key) {
    return rows.collectAsList().stream().collect(Collectors.toMap(r -> String.valueOf(r.<Object>getAs(key)), r -> r));
  }

  @Test
  void theFactCopyHoldsTheSetsLinesNumberedAmongThemselves() {
    Dataset<Row> copy = lines(fact());
    assertEquals(Arrays.asList(fact().columns()), Arrays.asList(copy.columns()), "the fact's columns, in order");
    Map<String, Row> byOrder = copy.collectAsList().stream()
        .collect(Collectors.toMap(r -> r.<String>getAs("order_id") + r.<Integer>getAs("order_item_id"), r -> r));
    assertEquals(Set.of("A1", "C1", "D2", "F1"), byOrder.keySet(),
        "lines of SP sellers and of the unknown seller are absent");
    assertEquals(1, (int) byOrder.get("A1").<Integer>getAs("order_sequence_number"));
    assertEquals(2, (int) byOrder.get("C1").<Integer>getAs("order_sequence_number"));
    assertEquals(3, (int) byOrder.get("D2").<Integer>getAs("order_sequence_number"));
    assertTrue(byOrder.get("F1").isNullAt(byOrder.get("F1").fieldIndex("order_sequence_number")),
        "an unknown person has no number");
    assertEquals(COPIED, byOrder.get("A1").getAs("loaded_at"), "stamped when the copy wrote it");
    assertNotEquals("h1", byOrder.get("A1").getAs("row_hash"), "the fact's hash covers its global numbering");
  }

  @Test
  void theCopiesEqualThoseOfAFactThatNeverHeldTheHiddenLines() {
    JavaDataFrameSuiteBase frames = new JavaDataFrameSuiteBase();
    frames.assertDataFrameNoOrderEquals(lines(factWithoutTheHiddenLines()), lines(fact()));
    frames.assertDataFrameNoOrderEquals(customersOf(factWithoutTheHiddenLines(), customersWithoutTheHiddenLines(),
        locationsWithoutTheHiddenLines()), customersOf(fact()));
    frames.assertDataFrameNoOrderEquals(productsOf(factWithoutTheHiddenLines()), productsOf(fact()));
    frames.assertDataFrameNoOrderEquals(sul(SecuredCopies.sellers(sellers().filter("seller_state_code = 'RS' OR "
        + "seller_sk = -1"), SETS)), sul(SecuredCopies.sellers(sellers(), SETS)));
  }

  @Test
  void personFiguresAreCountedFromTheVisibleLines() {
    Map<String, Row> persons = byKey(customersOf(fact()), "customer_sk");
    assertEquals(Set.of("-1", String.valueOf(P1)), persons.keySet(), "P2 bought only from SP; the unknown member");
    Row p1 = persons.get(String.valueOf(P1));
    assertEquals(3L, (long) p1.<Long>getAs("order_count"), "A, C and D, not B");
    assertEquals(date("2017-01-05"), p1.getAs("first_order_date"));
    assertEquals(date("2017-04-01"), p1.getAs("last_order_date"));
    assertEquals(true, p1.getAs("is_repeat_buyer"));
    assertEquals("florianopolis", p1.getAs("customer_city"),
        "located by D, the latest visible order, not by H (SP), the latest of all");
    assertEquals("SC", p1.getAs("customer_state_code"));
    assertEquals("SC000", p1.getAs("customer_zip_code_prefix"));
    assertEquals("p1", p1.getAs("customer_unique_id"), "the person's own key is kept");
  }

  /**
   * Append mode: staging holds one batch, so the orders of earlier batches have no location to look up. P1's latest
   * visible order for SP is H, their latest of all: located by their own row. For SUL it is D, earlier: unknown,
   * never located by H, which SUL does not see.
   */
  @Test
  void anOrderOutsideTheBatchIsLocatedByThePersonsRowOnlyWhenItIsTheirLatest() {
    Dataset<Row> copies = SecuredCopies.customers(customers(), setLines(fact()),
        locations().filter("order_id NOT IN ('D', 'H')"), SETS.keySet());
    Row sp = byKey(ofSet(copies, "sp"), "customer_sk").get(String.valueOf(P1));
    assertEquals(List.of("campinas", "SP", "SP000"), List.of(sp.getAs("customer_city"),
        sp.getAs("customer_state_code"), sp.getAs("customer_zip_code_prefix")));
    Row sul = byKey(sul(copies), "customer_sk").get(String.valueOf(P1));
    assertEquals(Arrays.asList(null, null, null), Arrays.asList(sul.getAs("customer_city"),
        sul.getAs("customer_state_code"), sul.getAs("customer_zip_code_prefix")));
    assertEquals(3L, (long) sul.<Long>getAs("order_count"), "the figures do not depend on the locations");
  }

  @Test
  void dimensionsHoldTheSetsMembersAndTheUnknownMember() {
    assertEquals(Set.of("-1", "20"), byKey(sul(SecuredCopies.sellers(sellers(), SETS)), "seller_sk").keySet());
    assertEquals(Set.of("-1", "1", "3"), byKey(productsOf(fact()), "product_sk").keySet(),
        "product 2 is sold only by SP sellers");
    assertEquals(Set.of("-1", "2"), byKey(ofSet(SecuredCopies.products(products(), tagged(fact(), SETS, COPIED),
        SETS.keySet()), "sp"), "product_sk").keySet(), "the SP set sees SP's products only");
    assertEquals(Set.of("-1", "10"), byKey(ofSet(SecuredCopies.sellers(sellers(), SETS), "sp"), "seller_sk").keySet());
    Dataset<Row> days = Frames.of("date_sk int", new Object[] {20170101}, new Object[] {20170102});
    assertEquals(2, ofSet(SecuredCopies.everyRow(days, SETS.keySet()), "sul").count(), "every day for every set");
  }

  @Test
  void printsTellChangedPartitionsAndIgnoreTheWriteStamp() {
    Map<String, Map<String, KeptPrints.Print>> before = SecuredCopies.prints(tagged(fact(), SETS, COPIED),
        "order_year_month");
    assertEquals(List.of("2017-01", "2017-03", "2017-04"), List.copyOf(before.get("sul").keySet()));
    assertEquals(List.of("2017-02", "2017-04", "2017-05"), List.copyOf(before.get("sp").keySet()));
    assertEquals(before, SecuredCopies.prints(tagged(fact(), SETS, ts("2021-05-05 00:00:00")), "order_year_month"),
        "a new write stamp alone is no change");
    Map<String, Map<String, KeptPrints.Print>> after = SecuredCopies.prints(
        tagged(fact().filter("NOT (order_id = 'C')"), SETS, COPIED), "order_year_month");
    assertEquals(before.get("sul").get("2017-01"), after.get("sul").get("2017-01"));
    assertNotEquals(before.get("sul").get("2017-03"), after.get("sul").get("2017-03"), "C left March");
    assertNotEquals(before.get("sul").get("2017-04"), after.get("sul").get("2017-04"),
        "D is P1's second visible order now");
    assertEquals(before.get("sp"), after.get("sp"), "SP's set does not see C");
    assertEquals(1, SecuredCopies.prints(tagged(fact(), SETS, COPIED), null).get("sul").size(),
        "a whole table is one print");
  }
}
