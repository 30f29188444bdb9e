package org.olist.marts.jobs.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceFileTest {
  private static SourceFile of(String content) {
    return SourceFile.fromBytes("f.csv", content.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void stripsTheBomAndCrlf() {
    SourceFile f = of("\uFEFFproduct_category_name,product_category_name_english\r\nbeleza_saude,health_beauty");
    assertEquals(List.of("product_category_name", "product_category_name_english"), f.header());
    assertFalse(f.isEmpty());
  }

  @Test
  void removesHeaderQuotes() {
    SourceFile f = of("\"order_id\",\"order_item_id\"\n\"a\",1\n");
    assertEquals(List.of("order_id", "order_item_id"), f.header());
  }

  @Test
  void aHeaderWithoutRowsIsEmpty() {
    assertTrue(of("\"order_id\",\"x\"\n").isEmpty());
    assertTrue(of("\"order_id\",\"x\"\n\n  \n").isEmpty());
    assertTrue(of("").isEmpty());
  }
}
