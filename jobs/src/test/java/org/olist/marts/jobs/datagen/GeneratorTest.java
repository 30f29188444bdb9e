package org.olist.marts.jobs.datagen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.jobs.testing.Csv;
import org.olist.marts.jobs.testing.JobTest;
import org.olist.marts.jobs.testing.TestSpark;

@JobTest
class GeneratorTest {
  @TempDir
  Path dir;

  @Test
  void sameSeedSameBytesStreamedOrConcatenatedAndTheRealFormat() throws IOException {
    // "a": each file small enough to stream from one partition; "b": ~100 source rows per partition, written in
    // parallel and concatenated
    new DataGenJob(0.003, 11, dir.resolve("a").toString(), null).generate(TestSpark.spark());
    new DataGenJob(0.003, 11, dir.resolve("b").toString(), null, 100).generate(TestSpark.spark());
    try (Stream<Path> files = Files.list(dir.resolve("a"))) {
      assertEquals(9, files.count(), "the nine Olist files, nothing else");
    }
    try (Stream<Path> files = Files.list(dir.resolve("b"))) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(9, names.size(), "no temporary directory left: " + names);
      for (String f : names) {
        assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)),
            Files.readAllBytes(dir.resolve("b").resolve(f)), f);
      }
    }
    byte[] translation = Files.readAllBytes(dir.resolve("a/product_category_name_translation.csv"));
    assertEquals((byte) 0xEF, translation[0]);
    String t = new String(translation, StandardCharsets.UTF_8);
    assertTrue(t.contains("\r\n") && !t.endsWith("\n"), "CRLF, no final newline");
    String products = Files.readAllLines(dir.resolve("a/olist_products_dataset.csv")).get(0);
    assertTrue(products.contains("\"product_name_lenght\",\"product_description_lenght\""));
    String seller = Files.readAllLines(dir.resolve("a/olist_sellers_dataset.csv")).get(1);
    assertTrue(seller.matches("\"?[0-9a-f]{32}\"?,\"\\d{5}\",[a-z -]+,[A-Z]{2}"), seller);
  }

  @Test
  void aLaterSnapshotAddsOrdersAndMovesOldOnesAlong() throws IOException {
    new DataGenJob(0.005, 3, dir.resolve("early").toString(), LocalDate.of(2017, 6, 30)).generate(TestSpark.spark());
    new DataGenJob(0.005, 3, dir.resolve("late").toString(), LocalDate.of(2017, 9, 30)).generate(TestSpark.spark());
    new DataGenJob(0.005, 3, dir.resolve("end").toString(), null).generate(TestSpark.spark());
    Map<String, Map<String, String>> early = byId(dir.resolve("early"));
    Map<String, Map<String, String>> late = byId(dir.resolve("late"));
    Map<String, Map<String, String>> end = byId(dir.resolve("end"));
    assertTrue(late.size() > early.size());
    assertTrue(late.keySet().containsAll(early.keySet()));
    Set<String> moved = new HashSet<>();
    for (Map.Entry<String, Map<String, String>> e : early.entrySet()) {
      assertTrue(e.getValue().get("order_purchase_timestamp").compareTo("2017-07-01") < 0);
      if (!e.getValue().get("order_status").equals(late.get(e.getKey()).get("order_status"))) {
        moved.add(e.getKey());
      }
    }
    assertTrue(moved.size() > 0, "some orders changed status between snapshots");
    for (Map<String, String> o : early.values()) {
      String delivered = o.get("order_delivered_customer_date");
      assertTrue(delivered == null || delivered.compareTo("2017-07-01") < 0, "no event after the snapshot date");
    }
    Map<String, String> statuses = new HashMap<>();
    end.values().forEach(o -> statuses.merge(o.get("order_status"), "x", String::concat));
    assertTrue(statuses.containsKey("delivered") && statuses.containsKey("canceled"), statuses.keySet().toString());
  }

  private static Map<String, Map<String, String>> byId(Path dir) throws IOException {
    Map<String, Map<String, String>> out = new HashMap<>();
    for (Map<String, String> r : Csv.read(dir.resolve("olist_orders_dataset.csv"))) {
      out.put(r.get("order_id"), r);
    }
    return out;
  }
}
