package org.olist.marts.jobs.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.olist.marts.common.catalog.DataTestModel;
import org.olist.marts.common.spark.Keys;
import org.olist.marts.jobs.orderlines.Columns;

/**
 * What each kind of data test (SPEC §7) considers a failing row. Every test is a function from the tables
 * it reads to the frame of its failing rows: empty means pass.
 */
public final class DataTests {
  public static final String NATIONAL = "NATIONAL";
  public static final String BRIDGE_STATE = "seller_state_code";
  public static final String ACCESS_GROUP = "access_group";

  private DataTests() {
  }

  /** What a reconciliation compares the fact with. */
  public enum Scope {
    /** The staged lines are every line: the whole fact must match them (snapshot mode, a full refresh). */
    WHOLE_FACT,
    /**
     * The staged lines are one append-mode batch: the fact's rows of the batch's keys must match them (the run
     * loaded them); the rest of the fact was reconciled when it was loaded.
     */
    BATCH_KEYS
  }

  /** Failing rows of {@code test}; {@code tables} reads a catalog table by name. */
  public static Dataset<Row> failingRows(DataTestModel test, Function<String, Dataset<Row>> tables,
                                         List<String> stateCodes) {
    return failingRows(test, tables, stateCodes, Scope.WHOLE_FACT);
  }

  /** As above, a reconciliation in {@code scope}. */
  public static Dataset<Row> failingRows(DataTestModel test, Function<String, Dataset<Row>> tables,
                                         List<String> stateCodes, Scope scope) {
    Dataset<Row> t = tables.apply(test.table());
    if (test.where() != null) {
      t = t.filter(test.where());
    }
    String c = test.column();
    return switch (test.type()) {
      case UNIQUE -> t.filter(col(c).isNotNull()).groupBy(col(c)).agg(count(lit(1)).alias("rows"))
          .filter(col("rows").gt(1));
      case NOT_NULL -> t.filter(col(c).isNull());
      case RELATIONSHIPS -> t.filter(col(c).isNotNull()).join(
          tables.apply(test.string(DataTestModel.TO)).select(col(test.string("field")).alias(c)).distinct(),
          Keys.of(c), "left_anti");
      case ACCEPTED_VALUES ->
          t.filter(col(c).isNotNull().and(col(c).isin(test.stringList("values").toArray()).unary_$bang()));
      case EXPRESSION -> t.filter(test.string("fails-when"));
      case SQL -> query(test, tables);
      case DATE_COMPLETENESS -> dateGapsAndDuplicates(t, c, test.string("from"), test.string("to"));
      case RECONCILIATION -> reconciliation(t, tables.apply(test.string(DataTestModel.AGAINST)), scope);
      case ALL_STATES_MAPPED -> missingStates(t.select(col(BRIDGE_STATE)), stateCodes);
      case NATIONAL_REACHES_SELLERS -> t.filter(col(BRIDGE_STATE).isNotNull()).select(col(BRIDGE_STATE)).distinct()
          .join(tables.apply(test.string(DataTestModel.AGAINST)).filter(col(ACCESS_GROUP).equalTo(NATIONAL))
              .select(col(BRIDGE_STATE)), Keys.of(BRIDGE_STATE), "left_anti");
    };
  }

  /**
   * A test that spans tables: its {@code sql} reads the test's table and the tables it {@code requires}, each
   * under its catalog name, and returns the failing rows.
   */
  static Dataset<Row> query(DataTestModel test, Function<String, Dataset<Row>> tables) {
    Dataset<Row> table = tables.apply(test.table());
    table.createOrReplaceTempView(test.table());
    test.requires().forEach(name -> tables.apply(name).createOrReplaceTempView(name));
    return table.sparkSession().sql(test.string("sql"));
  }

  /** Days of the range that are missing, and days that appear more than once. */
  static Dataset<Row> dateGapsAndDuplicates(Dataset<Row> dates, String column, String from, String to) {
    Dataset<Row> expected = dates.sparkSession().range(1)
        .select(explode(sequence(to_date(lit(from)), to_date(lit(to)))).alias(column));
    Dataset<Row> missing = expected.join(dates.select(col(column)), Keys.of(column), "left_anti")
        .select(col(column), lit("missing").alias("problem"));
    Dataset<Row> repeated = dates.groupBy(col(column)).agg(count(lit(1)).alias("rows")).filter(col("rows").gt(1))
        .select(col(column), lit("duplicate").alias("problem"));
    Dataset<Row> outside = dates.filter(col(column).lt(to_date(lit(from))).or(col(column).gt(to_date(lit(to)))))
        .select(col(column), lit("outside the range").alias("problem"));
    return missing.unionByName(repeated).unionByName(outside);
  }

  /**
   * Fact rows and money against the staged order lines (in {@link Scope#BATCH_KEYS}, the fact's rows of the staged
   * keys only): one failing row per figure that differs.
   */
  static Dataset<Row> reconciliation(Dataset<Row> fact, Dataset<Row> stagedItems, Scope scope) {
    Dataset<Row> compared = scope == Scope.WHOLE_FACT ? fact : fact.join(
        stagedItems.select(col(Columns.ORDER_ID), col(Columns.ORDER_ITEM_ID)).distinct(),
        Keys.of(Columns.ORDER_ID, Columns.ORDER_ITEM_ID), "left_semi");
    Row f = compared.agg(count(lit(1)), sum(col("price_brl")), sum(col("freight_value_brl"))).first();
    Row s = stagedItems.agg(count(lit(1)), sum(col("price")), sum(col("freight_value"))).first();
    StructType schema = StructType.fromDDL("figure string, staged string, fact string");
    List<Row> diffs = new ArrayList<>();
    String[] names = {"rows", "price", "freight_value"};
    for (int i = 0; i < names.length; i++) {
      Object staged = normalise(s.get(i));
      Object inFact = normalise(f.get(i));
      if (!Objects.equals(staged, inFact)) {
        diffs.add(RowFactory.create(names[i], String.valueOf(staged), String.valueOf(inFact)));
      }
    }
    return fact.sparkSession().createDataFrame(diffs, schema);
  }

  private static Object normalise(Object v) {
    return v instanceof BigDecimal d ? d.stripTrailingZeros().toPlainString() : v == null ? "0" : v.toString();
  }

  /** State codes that no row of {@code states} carries. */
  static Dataset<Row> missingStates(Dataset<Row> states, List<String> stateCodes) {
    List<Row> all = stateCodes.stream().map(s -> RowFactory.create(s)).toList();
    Dataset<Row> expected = states.sparkSession().createDataFrame(all, StructType.fromDDL(BRIDGE_STATE + " string"));
    return expected.join(states.distinct(), Keys.of(BRIDGE_STATE), "left_anti");
  }
}
