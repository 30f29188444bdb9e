package org.olist.marts.common.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.olist.marts.common.catalog.ModelCatalog;
import org.olist.marts.common.catalog.TableModel;

class ContractCheckTest {
  private static final TableModel SELLERS = ModelCatalog.get().table("dim_sellers");

  private static StructType schema(String ddl) {
    return StructType.fromDDL(ddl);
  }

  private static StructType exact() {
    return SELLERS.schema();
  }

  /** A frame built the way a job builds it (its own DDL, not the catalog's schema) passes the catalog's contract. */
  @Test
  void aFrameOfTheContractsColumnsTypesAndNullabilityPasses() {
    assertEquals(List.of(), ContractCheck.differences(SELLERS, schema(
        "seller_sk bigint not null, seller_id string not null, seller_city string, seller_state_code string, "
            + "seller_zip_code_prefix string")));
  }

  @Test
  void reportsEachKindOfDrift() {
    List<String> type = ContractCheck.differences(SELLERS, schema(
        "seller_sk string not null, seller_id string not null, seller_city string, seller_state_code string, "
            + "seller_zip_code_prefix string"));
    assertEquals(1, type.size());
    assertTrue(type.get(0).contains("expected seller_sk bigint NOT NULL") && type.get(0).endsWith("<- wrong type"),
        type.get(0));
    List<String> order = ContractCheck.differences(SELLERS, schema(
        "seller_sk bigint not null, seller_id string not null, seller_state_code string, seller_city string, "
            + "seller_zip_code_prefix string"));
    assertEquals(2, order.size());
    assertTrue(order.get(0).endsWith("<- wrong order"));
    List<String> missing = ContractCheck.differences(SELLERS, schema(
        "seller_sk bigint not null, seller_id string not null, seller_city string, seller_state_code string"));
    assertTrue(missing.get(0).endsWith("<- missing column"));
    List<String> extra = ContractCheck.differences(SELLERS, exact().add("rating", "int"));
    assertTrue(extra.get(0).endsWith("<- extra column"));
    List<String> nullable = ContractCheck.differences(SELLERS, schema(
        "seller_sk bigint, seller_id string not null, seller_city string, seller_state_code string, "
            + "seller_zip_code_prefix string"));
    assertTrue(nullable.get(0).endsWith("<- nullable, contract says NOT NULL"));
    assertEquals(List.of(), ContractCheck.differences(SELLERS, schema(
        "seller_sk bigint, seller_id string, seller_city string, seller_state_code string, "
            + "seller_zip_code_prefix string"), false));
  }

  @Test
  void enforceExplainsAndNamesTheTable() {
    ContractViolationException e = assertThrows(ContractViolationException.class, () -> ContractCheck.enforce(
        SELLERS, schema("seller_sk bigint not null, seller_id string not null")));
    assertTrue(e.getMessage().startsWith("Cannot write marts/dim_sellers: its schema breaks the contract in the "
        + "model catalog (3 differences); nothing was published"), e.getMessage());
  }
}
