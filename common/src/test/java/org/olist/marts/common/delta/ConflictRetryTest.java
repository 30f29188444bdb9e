package org.olist.marts.common.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.delta.exceptions.ConcurrentAppendException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.olist.marts.common.OlistException;

/** Delta write conflicts are retried, then reported in one line naming the table (SPEC §10). */
class ConflictRetryTest {
  @Test
  void aConflictIsRetriedWithGrowingPauses() {
    AtomicInteger calls = new AtomicInteger();
    List<Integer> pauses = new ArrayList<>();
    String result = ConflictRetry.run("marts/fct_order_items", "/wh/marts/fct_order_items", 3, () -> {
      if (calls.incrementAndGet() < 3) {
        throw new ConcurrentAppendException("Files were added to partition [order_year_month=2018-01]");
      }
      return "committed";
    }, pauses::add);
    assertEquals("committed", result);
    assertEquals(List.of(1, 2), pauses);
  }

  @Test
  void conflictsBeyondTheRetriesAreReportedInOneLine() {
    OlistException e = assertThrows(OlistException.class, () -> ConflictRetry.run("marts/fct_order_items",
        "/wh/marts/fct_order_items", 2, () -> {
          throw new RuntimeException("wrapped", new ConcurrentAppendException("Files were added"));
        }, attempt -> { }));
    assertEquals("Cannot write marts/fct_order_items at /wh/marts/fct_order_items: another writer committed to it "
        + "during each of 3 attempts (ConcurrentAppendException); is a second pipeline or a maintenance job writing "
        + "this warehouse?", e.getMessage());
  }

  @Test
  void otherFailuresAreNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    IllegalStateException boom = new IllegalStateException("disk full");
    assertSame(boom, assertThrows(IllegalStateException.class, () -> ConflictRetry.run("t", "/p", 3, () -> {
      calls.incrementAndGet();
      throw boom;
    }, attempt -> { })));
    assertEquals(1, calls.get());
  }
}
