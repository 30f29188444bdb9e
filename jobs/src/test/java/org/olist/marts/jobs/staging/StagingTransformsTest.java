package org.olist.marts.jobs.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.olist.marts.common.catalog.ModelCatalog;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.jobs.testing.TestSpark;

class StagingTransformsTest {
  private static final TableModel ITEMS = ModelCatalog.get().table("stg_order_items");
  private static final TableModel CUSTOMERS = ModelCatalog.get().table("stg_customers");
  private static final TableModel GEO = ModelCatalog.get().table("stg_geolocation");

  /** Raw rows: the table's columns as strings, then the corrupt-record text (null when the row split fine). */
  static Dataset<Row> raw(TableModel table, String[]... rows) {
    StructType schema = new StructType();
    for (String name : table.columnNames()) {
      schema = schema.add(name, DataTypes.StringType);
    }
    schema = schema.add(StagingTransforms.CORRUPT, DataTypes.StringType)
        .add(StagingTransforms.FILE, DataTypes.StringType);
    List<Row> out = new ArrayList<>();
    for (String[] r : rows) {
      Object[] values = Arrays.copyOf(r, table.columns().size() + 2, Object[].class);
      values[values.length - 1] = "file:/in/test.csv";
      out.add(RowFactory.create(values));
    }
    return TestSpark.spark().createDataFrame(out, schema);
  }

  static List<Row> classify(TableModel table, String[]... rows) {
    return StagingTransforms.typeAndClassify(raw(table, rows), table, table.columns().size(), 4000)
        .collectAsList();
  }

  static String reason(Row r) {
    return r.getAs(StagingTransforms.REASON);
  }

  @Test
  void typesAValidRow() {
    Row r = classify(ITEMS, new String[] {"o1", "1", "p1", "s1", "2017-12-14 12:10:31", "19.90", "11.85"}).get(0);
    assertNull(reason(r));
    assertEquals(1, (int) r.getAs("order_item_id"));
    assertEquals(new BigDecimal("19.90"), r.getAs("price"));
    assertEquals(Timestamp.valueOf("2017-12-14 12:10:31"), r.getAs("shipping_limit_date"));
  }

  @Test
  void quarantinesAnUnparseableTimestamp() {
    Row r = classify(ITEMS, new String[] {"o1", "1", "p1", "s1", "2017-13-45 99:00:00", "19.90", "11.85"}).get(0);
    assertEquals("unparseable timestamp in column shipping_limit_date: '2017-13-45 99:00:00'", reason(r));
  }

  @Test
  void quarantinesTextInANumber() {
    Row r = classify(ITEMS, new String[] {"o1", "1", "p1", "s1", "2017-12-14 12:10:31", "abc", "11.85"}).get(0);
    assertEquals("unparseable decimal in column price: 'abc'", reason(r));
    Row i = classify(ITEMS, new String[] {"o1", "one", "p1", "s1", "2017-12-14 12:10:31", "1.00", "1.00"}).get(0);
    assertEquals("unparseable integer in column order_item_id: 'one'", reason(i));
  }

  @Test
  void quarantinesAMissingPrimaryKey() {
    Row r = classify(ITEMS, new String[] {"  ", "1", "p1", "s1", "2017-12-14 12:10:31", "1.00", "1.00"}).get(0);
    assertEquals("missing primary key column order_id", reason(r));
  }

  @Test
  void quarantinesAWrongColumnCountWithTheRawLine() {
    Row r = classify(ITEMS, new String[] {"o1", "1", "p1", null, null, null, null, "o1,1,p1"}).get(0);
    assertTrue(reason(r).startsWith("wrong column count"), reason(r));
    assertEquals("o1,1,p1", r.getAs(StagingTransforms.RAW));
  }

  @Test
  void emptyValuesAreNullNotErrors() {
    Row r = classify(ITEMS, new String[] {"o1", "1", "", "s1", "", "", " "}).get(0);
    assertNull(reason(r));
    assertNull(r.getAs("product_id"));
    assertNull(r.getAs("price"));
  }

  @Test
  void normalisesZipStateAndCity() {
    Row r = classify(CUSTOMERS, new String[] {"c1", "u1", "1151", "  Sao   Paulo ", "sp"}).get(0);
    assertNull(reason(r));
    assertEquals("01151", r.getAs("customer_zip_code_prefix"));
    assertEquals("sao paulo", r.getAs("customer_city"));
    assertEquals("SP", r.getAs("customer_state"));
    Row bad = classify(CUSTOMERS, new String[] {"c1", "u1", "ABCDE", "x", "SP"}).get(0);
    assertEquals("unparseable zip code in column customer_zip_code_prefix: 'ABCDE'", reason(bad));
  }

  @Test
  void keepsTheRawValuesAsJson() {
    Row r = classify(CUSTOMERS, new String[] {"c1", "u1", "01151", "sao paulo", null}).get(0);
    assertEquals("{\"customer_id\":\"c1\",\"customer_unique_id\":\"u1\",\"customer_zip_code_prefix\":\"01151\","
        + "\"customer_city\":\"sao paulo\",\"customer_state\":null}", r.getAs(StagingTransforms.RAW));
  }

  @Test
  void dropsExactDuplicatesAndQuarantinesConflictingKeys() {
    Dataset<Row> classified = StagingTransforms.typeAndClassify(raw(ITEMS,
        new String[] {"o1", "1", "p1", "s1", "2017-12-14 12:10:31", "1.00", "1.00"},
        new String[] {"o1", "1", "p1", "s1", "2017-12-14 12:10:31", "1.00", "1.00"},
        new String[] {"o2", "1", "p1", "s1", "2017-12-14 12:10:31", "1.00", "1.00"},
        new String[] {"o2", "1", "p1", "s1", "2017-12-14 12:10:31", "2.00", "1.00"},
        new String[] {"o3", "1", "p1", "s1", "2017-12-14 12:10:31", "1.00", "1.00"}), ITEMS, 7, 4000);
    Dataset<Row> folded = StagingTransforms.foldDuplicates(classified, ITEMS);
    List<Row> staged = StagingTransforms.staged(folded, ITEMS).orderBy("order_id").collectAsList();
    assertEquals(2, staged.size());
    assertEquals("o1", staged.get(0).getString(0));
    assertEquals("o3", staged.get(1).getString(0));
    List<Row> rejected = StagingTransforms.rejected(classified, folded, ITEMS).collectAsList();
    assertEquals(2, rejected.size());
    for (Row r : rejected) {
      assertEquals("conflicting duplicate for primary key (order_id=o2, order_item_id=1): rows share the key but "
          + "differ", r.getAs(StagingTransforms.REASON));
    }
    // each version keeps its own raw text
    assertEquals(List.of("\"price\":\"1.00\"", "\"price\":\"2.00\""), rejected.stream()
        .map(r -> ((String) r.getAs(StagingTransforms.RAW)).replaceAll(".*(\"price\":\"[^\"]*\").*", "$1"))
        .sorted().toList());
    long duplicates = folded.selectExpr("sum(" + StagingTransforms.COPIES + " - 1)").first().getLong(0);
    assertEquals(1, duplicates);
    assertEquals(0, StagingTransforms.untyped(classified).count(), "the conflicts are typed rows: only rejected "
        + "finds them");
  }

  @Test
  void aTableWithoutKeyOnlyDropsExactDuplicates() {
    Dataset<Row> classified = StagingTransforms.typeAndClassify(raw(GEO,
        new String[] {"01037", "-23.54", "-46.63", "sao paulo", "SP"},
        new String[] {"01037", "-23.54", "-46.63", "sao paulo", "SP"},
        new String[] {"01037", "-23.55", "-46.63", "sao paulo", "SP"}), GEO, 5, 4000);
    Dataset<Row> folded = StagingTransforms.foldDuplicates(classified, GEO);
    assertEquals(2, StagingTransforms.staged(folded, GEO).count());
    assertEquals(0, StagingTransforms.rejected(classified, folded, GEO).count());
  }

  @Test
  void quarantineRowsFollowTheCatalogLayout() {
    Dataset<Row> classified = StagingTransforms.typeAndClassify(raw(ITEMS,
        new String[] {"o1", "x", "p1", "s1", "2017-12-14 12:10:31", "1.00", "1.00"}), ITEMS, 7, 4000);
    Dataset<Row> folded = StagingTransforms.foldDuplicates(classified, ITEMS);
    Dataset<Row> q = StagingTransforms.quarantine(StagingTransforms.rejected(classified, folded, ITEMS),
        "order_items", "run-1", Timestamp.valueOf("2026-01-01 00:00:00"));
    // without a conflicting key the rows typing rejected are all there is
    assertEquals(StagingTransforms.rejected(classified, folded, ITEMS).collectAsList(),
        StagingTransforms.untyped(classified).collectAsList());
    assertEquals(ModelCatalog.get().table("quarantine_rows").columnNames(), Arrays.asList(q.columns()));
    Row r = q.first();
    assertEquals("order_items", r.getAs("source"));
    assertEquals("file:/in/test.csv", r.getAs("source_file"));
    assertEquals("run-1", r.getAs("run_id"));
    assertTrue(((String) r.getAs("raw_values")).contains("\"order_item_id\":\"x\""));
  }

  // ------------------------------------------------------------ SPEC §10: values are never changed silently

  @Test
  void trimsEveryUnicodeWhiteSpaceNotJustSpaces() {
    // issue 17 #7: a tab or NBSP around a key turned a known seller into an Unknown Seller
    Row r = classify(ITEMS, new String[] {"o1\t", "1", "\u00a0p1", "s1\u00a0\u2007",
        "2017-12-14 12:10:31", "\t19.90\u00a0", "11.85"}).get(0);
    assertNull(reason(r));
    assertEquals("o1", r.getAs("order_id"));
    assertEquals("p1", r.getAs("product_id"));
    assertEquals("s1", r.getAs("seller_id"));
    assertEquals(new BigDecimal("19.90"), r.getAs("price"));
    Row c = classify(CUSTOMERS, new String[] {"c1", "u1", "01151", "sao\u00a0\tpaulo\u00a0", "\u00a0sp\t"}).get(0);
    assertEquals("sao paulo", c.getAs("customer_city"));
    assertEquals("SP", c.getAs("customer_state"));
    // only the ends are trimmed; a value of white space alone is absent
    Row inner = classify(ITEMS, new String[] {"o1", "1", "p\u00a0 1", "\u3000\t\u2028",
        "2017-12-14 12:10:31", "19.90", "11.85"}).get(0);
    assertEquals("p\u00a0 1", inner.getAs("product_id"));
    assertNull(inner.getAs("seller_id"));
  }

  @Test
  void moneyIsNeverRoundedNorReadFromAnExponent() {
    // issue 17 #8 and #12: 12.345 and 5.005 were rounded to cents, 1e3 accepted, an overflow called unparseable
    assertEquals("more than 2 decimals (not rounded) in column price: '12.345'", reason(classify(ITEMS,
        new String[] {"o1", "1", "p1", "s1", "2017-12-14 12:10:31", "12.345", "1.00"}).get(0)));
    assertEquals("more than 2 decimals (not rounded) in column freight_value: '5.005'", reason(classify(ITEMS,
        new String[] {"o1", "1", "p1", "s1", "2017-12-14 12:10:31", "1.00", "5.005"}).get(0)));
    assertEquals("unparseable decimal in column price: '1e3'", reason(classify(ITEMS,
        new String[] {"o1", "1", "p1", "s1", "2017-12-14 12:10:31", "1e3", "1.00"}).get(0)));
    assertEquals("overflows DECIMAL(12,2) in column price: '12345678901.00'", reason(classify(ITEMS,
        new String[] {"o1", "1", "p1", "s1", "2017-12-14 12:10:31", "12345678901.00", "1.00"}).get(0)));
    Row zeros = classify(ITEMS, new String[] {"o1", "1", "p1", "s1", "2017-12-14 12:10:31", "12.300", "7"}).get(0);
    assertNull(reason(zeros), "trailing zeros change no value");
    assertEquals(new BigDecimal("12.30"), zeros.getAs("price"));
    assertEquals(new BigDecimal("7.00"), zeros.getAs("freight_value"));
  }

  @Test
  void nonFiniteAndOutOfRangeCoordinatesAreQuarantined() {
    assertEquals("non-finite number in column geolocation_lat: 'NaN'",
        reason(classify(GEO, new String[] {"01037", "NaN", "-46.63", "sao paulo", "SP"}).get(0)));
    assertEquals("non-finite number in column geolocation_lng: '-Infinity'",
        reason(classify(GEO, new String[] {"01037", "-23.54", "-Infinity", "sao paulo", "SP"}).get(0)));
    assertEquals("out of range [-90.0, 90.0] in column geolocation_lat: '1000'",
        reason(classify(GEO, new String[] {"01037", "1000", "-46.63", "sao paulo", "SP"}).get(0)));
    assertNull(reason(classify(GEO, new String[] {"01037", "-90", "180", "sao paulo", "SP"}).get(0)));
  }

  @Test
  void aKeyWithOneGoodAndOneUntypableVersionQuarantinesBoth() {
    // issue 17 #5: SPEC §3 says every version of a conflicting key goes to quarantine
    Dataset<Row> classified = StagingTransforms.typeAndClassify(raw(ITEMS,
        new String[] {"o1", "1", "p1", "s1", "2017-12-14 12:10:31", "1.00", "1.00"},
        new String[] {"o1", "1", "p1", "s1", "2017-99-14 12:10:31", "1.00", "1.00"},
        new String[] {"o2", "1", "p1", "s1", "2017-12-14 12:10:31", "1.00", "1.00"}), ITEMS, 7, 4000);
    Dataset<Row> folded = StagingTransforms.foldDuplicates(classified, ITEMS);
    List<Row> staged = StagingTransforms.staged(folded, ITEMS).collectAsList();
    assertEquals(1, staged.size());
    assertEquals("o2", staged.get(0).getString(0));
    List<String> reasons = StagingTransforms.rejected(classified, folded, ITEMS).collectAsList().stream()
        .map(StagingTransformsTest::reason).sorted().toList();
    assertEquals(List.of("conflicting versions of primary key (order_id=o1, order_item_id=1): another version of "
        + "the key could not be typed", "unparseable timestamp in column shipping_limit_date: '2017-99-14 12:10:31'"),
        reasons);
  }

  @Test
  void rawTextCutAtTheLimitSaysSo() {
    // issue 17 #12: a quarantined value cut at max-raw-chars carried no marker
    Row r = StagingTransforms.typeAndClassify(raw(ITEMS,
        new String[] {"o1", "x", "p1", "s1", "2017-12-14 12:10:31", "1.00", "1.00"}), ITEMS, 7, 20).first();
    String raw = r.getAs(StagingTransforms.RAW);
    assertTrue(raw.startsWith("{\"order_id\":\"o1\",\"or" + StagingTransforms.CUT_MARK + " of "), raw);
    assertTrue(raw.endsWith(" chars]"), raw);
  }
}
