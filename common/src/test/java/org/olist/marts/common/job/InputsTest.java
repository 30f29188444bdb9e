package org.olist.marts.common.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 33: what a table was built from, and what changed since. */
class InputsTest {
  @Test
  void theInputsAreSortedByNameAndTheRulesDigested() {
    Inputs a = Inputs.of(Map.of("staging/stg_orders", "4", "staging/stg_customers", "7"), "contract");
    assertTrue(a.print().matches("staging/stg_customers@7,staging/stg_orders@4 rules:[0-9a-f]{16}"), a.print());
    assertEquals(a, Inputs.of(Map.of("staging/stg_customers", "7", "staging/stg_orders", "4"), "contract"));
    assertNotEquals(a, Inputs.of(Map.of("staging/stg_customers", "7", "staging/stg_orders", "4"), "contract v2"));
  }

  @Test
  void theChangesNameWhatDiffers() {
    Inputs before = Inputs.of(Map.of("staging/stg_orders", "4", "staging/stg_customers", "7",
        "staging/stg_sellers", "2"), "contract");
    Inputs now = Inputs.of(Map.of("staging/stg_orders", "5", "staging/stg_customers", "7",
        "staging/stg_products", "1"), "contract v2");
    assertEquals("staging/stg_orders 4 -> 5, staging/stg_products is new, staging/stg_sellers is no longer read, "
        + "the rules changed", now.changesFrom(before.print()));
    assertEquals("none", now.changesFrom(now.print()));
    Inputs file = Inputs.of(Map.of("olist_orders_dataset.csv", "sha256:" + "ab".repeat(32) + " bytes:10"), "c");
    Inputs edited = Inputs.of(Map.of("olist_orders_dataset.csv", "sha256:" + "cd".repeat(32) + " bytes:10"), "c");
    assertEquals("olist_orders_dataset.csv changed", edited.changesFrom(file.print()));
  }
}
