package org.olist.marts.jobs.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.audit.JobRunAudit;
import org.olist.marts.jobs.testing.JobTest;
import org.olist.marts.jobs.testing.OlistData;
import org.olist.marts.jobs.testing.Pipeline;
import org.olist.marts.jobs.testing.TestSpark;
import org.olist.marts.jobs.warehouse.AuditDetail;
import org.olist.marts.jobs.warehouse.Tables;

/** Staging on corrupted copies of the embedded sample: each corruption gets the outcome SPEC §3 describes. */
@JobTest
class StagingFailuresTest {
  @TempDir
  static Path dir;

  static Path corrupted;
  static Path warehouse;
  static Map<String, Row> audit;

  /** Replaces line {@code index} (1 = first data row) of a file. */
  static void editLine(Path file, int index, UnaryOperator<String> edit) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    lines.set(index, edit.apply(lines.get(index)));
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  static void appendLine(Path file, String line) throws IOException {
    Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  static String line(Path file, int index) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8).get(index);
  }

  @BeforeAll
  static void stageCorruptedCopy() throws IOException {
    corrupted = Pipeline.copy(OlistData.sample(), dir.resolve("corrupted"));
    Path orders = corrupted.resolve("olist_orders_dataset.csv");
    Path items = corrupted.resolve("olist_order_items_dataset.csv");
    Path customers = corrupted.resolve("olist_customers_dataset.csv");
    Path sellers = corrupted.resolve("olist_sellers_dataset.csv");
    Path products = corrupted.resolve("olist_products_dataset.csv");
    Path payments = corrupted.resolve("olist_order_payments_dataset.csv");
    Path reviews = corrupted.resolve("olist_order_reviews_dataset.csv");
    // bad timestamp: the purchase time of order line 3
    editLine(orders, 3, l -> l.replaceFirst(",(20\\d\\d-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d),", ",2018-02-30 25:61:00,"));
    // short row: order line 5 cut after its third field
    editLine(items, 5, l -> String.join(",", List.of(l.split(",")).subList(0, 3)));
    // empty key: customer_id of customer line 2
    editLine(customers, 2, l -> l.substring(l.indexOf(',')));
    // conflicting duplicate: seller line 1 again with another city
    String seller = line(sellers, 1);
    appendLine(sellers, seller.substring(0, seller.lastIndexOf(',', seller.lastIndexOf(',') - 1)) + ",outra cidade,SP");
    // exact duplicate: product line 4 twice
    appendLine(products, line(products, 4));
    // text in a number: payment value of payment line 2
    editLine(payments, 2, l -> l.substring(0, l.lastIndexOf(',')) + ",34abc");
    // invalid UTF-8: a Latin-1 byte (0xE3, ã) at the end of the city of customer line 4
    byte[] bytes = Files.readAllBytes(customers);
    String text = new String(bytes, StandardCharsets.UTF_8);
    int at = text.indexOf(line(customers, 4)) + line(customers, 4).lastIndexOf(',');
    byte[] edited = new byte[bytes.length + 1];
    int cut = text.substring(0, at).getBytes(StandardCharsets.UTF_8).length;
    System.arraycopy(bytes, 0, edited, 0, cut);
    edited[cut] = (byte) 0xE3;
    System.arraycopy(bytes, cut, edited, cut + 1, bytes.length - cut);
    Files.write(customers, edited);
    // a stray quote: review line 3's title opens a quote it never closes
    editLine(reviews, 3, l -> l.replaceFirst(",5,,,", ",5,\"Nao chegou,,"));
    warehouse = dir.resolve("wh");
    new StagingJob().run(TestSpark.spark(), TestSpark.config(corrupted.toString(), warehouse));
    audit = Pipeline.audit(warehouse, "test-run");
  }

  private static List<Row> quarantine(String table) {
    return Pipeline.table(warehouse, "quarantine", table).collectAsList();
  }

  private static long detail(String table, AuditDetail key) {
    Row row = audit.get("staging/" + table);
    return Long.parseLong(row.<String, String>getJavaMap(row.fieldIndex("details")).get(key.key()));
  }

  private static void assertReconciled(String table) {
    Row a = audit.get("staging/" + table);
    long raw = a.getAs("rows_in");
    long staged = a.getAs("rows_out");
    long quarantined = Pipeline.table(warehouse, "quarantine", table).count();
    assertEquals(raw, staged + quarantined + detail(table, AuditDetail.EXACT_DUPLICATES), table + " reconciles");
    assertEquals(staged, Pipeline.table(warehouse, "staging", table).count());
  }

  @Test
  void badTimestampIsQuarantinedWithItsReason() {
    List<Row> q = quarantine("stg_orders");
    assertEquals(1, q.size());
    assertEquals("unparseable timestamp in column order_purchase_timestamp: '2018-02-30 25:61:00'",
        q.get(0).getAs("reason"));
    assertTrue(((String) q.get(0).getAs("source_file")).endsWith("olist_orders_dataset.csv"));
    assertEquals("test-run", q.get(0).getAs("run_id"));
    assertReconciled("stg_orders");
  }

  @Test
  void shortRowIsQuarantinedWithTheRawLine() {
    List<Row> q = quarantine("stg_order_items");
    assertEquals(1, q.size());
    assertTrue(((String) q.get(0).getAs("reason")).startsWith("wrong column count"));
    assertEquals(3, ((String) q.get(0).getAs("raw_values")).split(",").length);
    assertReconciled("stg_order_items");
  }

  @Test
  void emptyKeyAndInvalidUtf8AreQuarantined() {
    List<Row> q = quarantine("stg_customers");
    assertEquals(2, q.size(), q.toString());
    assertEquals(1, q.stream().filter(r -> "missing primary key column customer_id".equals(r.getAs("reason"))).count());
    assertEquals(1, q.stream().filter(r -> ((String) r.getAs("reason"))
        .startsWith("invalid UTF-8 (bytes read as U+FFFD) in column customer_city: '")).count(), q.toString());
    assertReconciled("stg_customers");
  }

  @Test
  void recordsSwallowedByAStrayQuoteAreCountedFromTheFileAndQuarantined() throws IOException {
    long records = Files.readAllLines(OlistData.sample().resolve("olist_order_reviews_dataset.csv")).stream()
        .skip(1).filter(l -> l.matches("^\"?[0-9a-f]{32}\"?,.*")).count();
    Row a = audit.get("staging/stg_order_reviews");
    assertEquals(records, (long) a.getAs("rows_in"), "raw rows are the file's records, not the parser's");
    assertTrue(detail("stg_order_reviews", AuditDetail.PARSER_RECORDS) < records);
    List<Row> q = quarantine("stg_order_reviews");
    List<String> reasons = q.stream().map(r -> (String) r.getAs("reason")).toList();
    assertTrue(reasons.stream().anyMatch(r -> r.startsWith("the record at line 4 swallowed the ")), reasons.toString());
    assertTrue(reasons.stream().anyMatch(r -> r.startsWith("not read as a record: swallowed by the record at line 4")),
        reasons.toString());
    assertReconciled("stg_order_reviews");
  }

  @Test
  void conflictingDuplicatesAreBothQuarantined() {
    List<Row> q = quarantine("stg_sellers");
    assertEquals(2, q.size());
    for (Row r : q) {
      assertTrue(((String) r.getAs("reason")).startsWith("conflicting duplicate for primary key (seller_id="));
    }
    assertReconciled("stg_sellers");
  }

  @Test
  void exactDuplicateIsDroppedAndCounted() {
    assertEquals(0, quarantine("stg_products").size());
    assertEquals(1, detail("stg_products", AuditDetail.EXACT_DUPLICATES));
    assertReconciled("stg_products");
  }

  @Test
  void textInANumberIsQuarantined() {
    List<Row> q = quarantine("stg_order_payments");
    assertEquals(1, q.size(), q.toString());
    assertEquals("unparseable decimal in column payment_value: '34abc'", q.get(0).getAs("reason"));
    assertReconciled("stg_order_payments");
  }

  @Test
  void cleanTablesHaveEmptyQuarantines() {
    assertEquals(0, quarantine("stg_product_category_name_translation").size());
    assertReconciled("stg_geolocation");
  }

  // ---------------------------------------------------------------- whole-file failures

  /** One clean staging run that every refused run must leave untouched. */
  private static synchronized Path cleanWarehouse() {
    if (clean == null) {
      clean = dir.resolve("wh-clean");
      new StagingJob().run(TestSpark.spark(), TestSpark.config(OlistData.sample().toString(), clean));
    }
    return clean;
  }

  private static Path clean;

  private static void assertRefused(Path input, String... expectedInMessage) {
    Path wh = cleanWarehouse();
    long failuresBefore = Pipeline.table(wh, "audit", JobRunAudit.TABLE).filter("status = 'failed'").count();
    long before = Pipeline.version(wh, "staging", Tables.STG_ORDERS);
    OlistException e = assertThrows(OlistException.class,
        () -> new StagingJob().run(TestSpark.spark(), TestSpark.config(input.toString(), wh)));
    for (String expected : expectedInMessage) {
      assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
    assertTrue(e.getMessage().contains("Nothing was written"), e.getMessage());
    assertEquals(before, Pipeline.version(wh, "staging", Tables.STG_ORDERS), "published tables did not move");
    List<String> failures = Pipeline.table(wh, "audit", JobRunAudit.TABLE).filter("status = 'failed'")
        .select("error_message").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertEquals(failuresBefore + 1, failures.size());
    assertTrue(failures.contains(e.getMessage()), "the failure is audited");
  }

  @Test
  void missingRequiredFileIsRefused() throws IOException {
    Path input = Pipeline.copy(OlistData.sample(), dir.resolve("missing"));
    Files.delete(input.resolve("olist_sellers_dataset.csv"));
    assertRefused(input, "required file olist_sellers_dataset.csv is missing");
  }

  @Test
  void emptyFilesAreRefused() throws IOException {
    Path input = Pipeline.copy(OlistData.sample(), dir.resolve("empty"));
    Files.writeString(input.resolve("olist_orders_dataset.csv"), "");
    Path items = input.resolve("olist_order_items_dataset.csv");
    Files.writeString(items, Files.readAllLines(items).get(0) + "\n");
    assertRefused(input, "olist_orders_dataset.csv is empty (no header)",
        "olist_order_items_dataset.csv is empty (a header but no rows)");
  }

  @Test
  void headerWithoutARequiredColumnIsRefused() throws IOException {
    Path input = Pipeline.copy(OlistData.sample(), dir.resolve("header"));
    editLine(input.resolve("olist_products_dataset.csv"), 0, l -> l.replace("\"product_weight_g\"", "\"weight\""));
    assertRefused(input, "olist_products_dataset.csv has no column 'product_weight_g'");
  }

  /** Adds a column to the sellers file of {@code input}; returns the file's lines before. */
  private static List<String> addSellerColumn(Path input, String name, String value) throws IOException {
    Path sellers = input.resolve("olist_sellers_dataset.csv");
    List<String> lines = Files.readAllLines(sellers);
    List<String> widened = new ArrayList<>();
    widened.add(lines.get(0) + ",\"" + name + "\"");
    lines.subList(1, lines.size()).forEach(l -> widened.add(l + "," + value));
    Files.write(sellers, widened);
    return lines;
  }

  @Test
  void headerNamingAColumnTwiceInAnotherCaseIsRefused() throws IOException {
    Path input = Pipeline.copy(OlistData.sample(), dir.resolve("case"));
    addSellerColumn(input, "SELLER_ID", "x");
    assertRefused(input, "olist_sellers_dataset.csv has an empty or repeated column name 'SELLER_ID'");
  }

  @Test
  void extraColumnIsIgnoredAndAMissingOptionalFileIsSkipped() throws IOException {
    Path input = Pipeline.copy(OlistData.sample(), dir.resolve("extra"));
    List<String> lines = addSellerColumn(input, "seller_rating", "5");
    Files.delete(input.resolve("olist_geolocation_dataset.csv"));
    Path wh = dir.resolve("wh-extra");
    new StagingJob().run(TestSpark.spark(), TestSpark.config(input.toString(), wh));
    assertEquals(lines.size() - 1, Pipeline.table(wh, "staging", Tables.STG_SELLERS).count());
    assertFalse(List.of(Pipeline.table(wh, "staging", Tables.STG_SELLERS).columns()).contains("seller_rating"));
    assertFalse(Files.exists(wh.resolve("staging/stg_geolocation")));
  }
}
