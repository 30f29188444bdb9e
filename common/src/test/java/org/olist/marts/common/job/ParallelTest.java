package org.olist.marts.common.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.olist.marts.common.OlistException;

class ParallelTest {
  @Test
  void resultsComeInTheItemsOrderWhateverOrderTheyFinishIn() {
    List<Integer> items = IntStream.range(0, 12).boxed().toList();
    Set<String> threads = ConcurrentHashMap.newKeySet();
    List<Integer> out = Parallel.map(3, items, i -> {
      threads.add(Thread.currentThread().getName());
      sleep(10L * (12 - i));
      return i * i;
    });
    assertEquals(items.stream().map(i -> i * i).toList(), out);
    assertTrue(threads.size() <= 3 && threads.size() > 1, threads.toString());
    assertEquals(List.of(), Parallel.map(3, List.<Integer>of(), i -> i));
  }

  @Test
  void theFirstFailureInOrderIsThrownAsItWas() {
    OlistException first = new OlistException("Cannot stage orders: bad row");
    OlistException thrown = assertThrows(OlistException.class, () -> Parallel.map(2, List.of(1, 2, 3), i -> {
      if (i == 2) {
        throw first;
      }
      if (i == 3) {
        throw new OlistException("a later failure");
      }
      return i;
    }));
    assertSame(first, thrown);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
