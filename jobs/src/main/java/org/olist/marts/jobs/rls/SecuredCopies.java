package org.olist.marts.jobs.rls;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.olist.marts.common.delta.KeptPrints.Print;
import org.olist.marts.common.spark.Keys;
import org.olist.marts.jobs.orderlines.Columns;
import org.olist.marts.jobs.warehouse.MartColumns;

/**
 * What each access set may see of each mart (SPEC §5), as pure functions of the marts: the rows of the set's states
 * and nothing computed from any other row. A copy holds only these rows, so no query on it (its result, its error,
 * its plan, its metadata tables) can depend on a hidden one. Every function works on all sets at once: its rows
 * carry their set in {@link #ACCESS_SET}, so a run costs a few Spark jobs however many sets there are.
 * <ul>
 *   <li>fact: the lines sold by a seller in the set's states; {@code order_sequence_number} numbers the person's
 *       visible orders 1..n in the fact's order, {@code row_hash} hashes the copy's own columns, {@code loaded_at}
 *       is when the copy wrote the row (the fact's numbers, hash and write times depend on hidden lines);</li>
 *   <li>dim_customers: the persons of the visible lines, with order count, first/last order and repeat buyer
 *       counted from those lines, and located where their most recent visible order went;</li>
 *   <li>dim_sellers: the sellers of the states; dim_products: the products of the visible lines.</li>
 * </ul>
 * Each dimension keeps its unknown member (a constant row). Lines whose seller is unknown have no state: no set
 * sees them.
 */
public final class SecuredCopies {
  /** The access set a row belongs to. */
  public static final String ACCESS_SET = "_access_set";
  static final String STATE = "_seller_state";
  private static final String VISIBLE_NUMBER = "_visible_number";
  private static final String RECENCY = "_recency";
  private static final String LATEST_DATE = "_latest_order_date";
  private static final String FACT_NUMBER = "_fact_sequence_number";
  private static final String LOCATED = "_located";
  private static final String OWN = "_own_";
  private static final String WHOLE_TABLE = "";

  private SecuredCopies() {
  }

  /** The fact with each line's seller state ({@link #STATE}, null for an unknown seller). */
  public static Dataset<Row> stated(Dataset<Row> fact, Dataset<Row> sellers) {
    Column[] columns = Stream.concat(Arrays.stream(fact.columns()), Stream.of(STATE)).map(c -> col(c))
        .toArray(Column[]::new);
    return fact.join(broadcast(sellers.select(col(MartColumns.SELLER_SK),
        col(MartColumns.SELLER_STATE_CODE).alias(STATE))), Keys.of(MartColumns.SELLER_SK), "left")
        .select(columns);
  }

  /**
   * Each set's lines of {@link #stated} rows (a line once per set that sees its state), renumbered within the set;
   * the fact's columns but {@code row_hash} and {@code loaded_at} ({@link #stamped} adds them when the rows are
   * written), {@link #ACCESS_SET}, and the fact's own number, which only {@link #customers} reads (to tell a
   * person's latest order) and neither {@link #stamped} nor {@link #prints} keeps.
   */
  public static Dataset<Row> lines(Dataset<Row> stated, Map<String, ? extends Collection<String>> statesBySet) {
    String[] columns = Arrays.stream(stated.columns())
        .filter(c -> !c.equals(STATE) && !c.equals(Columns.ROW_HASH) && !c.equals(MartColumns.LOADED_AT))
        .toArray(String[]::new);
    Dataset<Row> visible = visible(stated, statesBySet);
    Column person = col(MartColumns.CUSTOMER_SK);
    Dataset<Row> orders = visible.filter(person.notEqual(MartColumns.UNKNOWN_KEY)
            .and(col(Columns.ORDER_SEQUENCE_NUMBER).isNotNull()))
        .select(col(ACCESS_SET), col(Columns.ORDER_ID), person, col(Columns.ORDER_SEQUENCE_NUMBER))
        .distinct()
        .withColumn(VISIBLE_NUMBER, row_number().over(Window.partitionBy(col(ACCESS_SET), person)
            .orderBy(col(Columns.ORDER_SEQUENCE_NUMBER), col(Columns.ORDER_ID))))
        .select(col(ACCESS_SET), col(Columns.ORDER_ID), col(VISIBLE_NUMBER));
    return visible.join(orders, Keys.of(ACCESS_SET, Columns.ORDER_ID), "left")
        .withColumn(FACT_NUMBER, col(Columns.ORDER_SEQUENCE_NUMBER))
        .withColumn(Columns.ORDER_SEQUENCE_NUMBER, col(VISIBLE_NUMBER).cast(DataTypes.IntegerType))
        .select(withSet(Stream.concat(Arrays.stream(columns), Stream.of(FACT_NUMBER)).toArray(String[]::new)));
  }

  /**
   * Each set's {@link #stated} rows as they are (a line once per set that sees its state, tagged {@link #ACCESS_SET}),
   * not renumbered: what tells which products a set sees.
   */
  public static Dataset<Row> visible(Dataset<Row> stated, Map<String, ? extends Collection<String>> statesBySet) {
    return stated.join(broadcast(setStates(stated.sparkSession(), statesBySet)), Keys.of(STATE)).drop(STATE);
  }

  /**
   * {@link #lines} rows as the fact copy stores them: in the fact's {@code columns}, {@code row_hash} hashing the
   * copy's own columns, {@code loaded_at} when the copy writes them. Only the rows written pay for the hash.
   */
  public static Dataset<Row> stamped(Dataset<Row> lines, String[] columns, Timestamp loadedAt) {
    Column[] hashed = Arrays.stream(columns)
        .filter(c -> !c.equals(Columns.ROW_HASH) && !c.equals(MartColumns.LOADED_AT))
        .map(c -> coalesce(col(c).cast(DataTypes.StringType), lit("\u0000")))
        .toArray(Column[]::new);
    Column[] out = Arrays.stream(columns).map(c -> col(c)).toArray(Column[]::new);
    return lines.withColumn(Columns.ROW_HASH, sha2(concat_ws("\u0001", hashed), 256))
        .withColumn(MartColumns.LOADED_AT, lit(loadedAt))
        .select(Arrays.asList(lines.columns()).contains(ACCESS_SET) ? withSet(columns) : out);
  }

  /**
   * Where each order went: {@code order_id} and the location columns of {@code dim_customers}, from the order lines'
   * per-order {@code customer_id} and that customer's staged row.
   */
  public static Dataset<Row> orderLocations(Dataset<Row> orderLines, Dataset<Row> stagedCustomers) {
    return orderLines.select(col(Columns.ORDER_ID), col(Columns.CUSTOMER_ID)).distinct()
        .join(stagedCustomers.select(col(Columns.CUSTOMER_ID), col(Columns.CUSTOMER_CITY),
            col(Columns.CUSTOMER_STATE).alias(MartColumns.CUSTOMER_STATE_CODE), col(Columns.CUSTOMER_ZIP)),
            Keys.of(Columns.CUSTOMER_ID))
        .drop(Columns.CUSTOMER_ID);
  }

  /**
   * Each set's persons of its {@code lines}, their figures counted from those lines and their location that of
   * their most recent visible order; and the unknown member. An order is located by {@code locations}
   * ({@link #orderLocations}); one it does not hold (append mode: staging holds one batch, so an order of an
   * earlier batch is not there) is located by the person's own {@code dim_customers} row only when it is the
   * person's latest order (its number in the fact is their row's number of orders, its date their last order
   * date): that row is located by it. Otherwise the location is unknown (null), never that of another order,
   * which may be hidden from the set.
   */
  public static Dataset<Row> customers(Dataset<Row> dimCustomers, Dataset<Row> lines, Dataset<Row> locations,
                                       Collection<String> sets) {
    Dataset<Row> known = lines.filter(col(MartColumns.CUSTOMER_SK).notEqual(MartColumns.UNKNOWN_KEY));
    Dataset<Row> figures = known.groupBy(col(ACCESS_SET), col(MartColumns.CUSTOMER_SK))
        .agg(min(col(Columns.ORDER_DATE)).alias(Columns.FIRST_ORDER_DATE),
            max(col(Columns.ORDER_DATE)).alias(Columns.LAST_ORDER_DATE),
            countDistinct(col(Columns.ORDER_ID)).alias(Columns.ORDER_COUNT));
    // the visible numbering follows purchase time, ties by order id: the highest is the most recent visible order
    Dataset<Row> latest = known.select(col(ACCESS_SET), col(MartColumns.CUSTOMER_SK), col(Columns.ORDER_ID),
            col(Columns.ORDER_SEQUENCE_NUMBER), col(FACT_NUMBER), col(Columns.ORDER_DATE).as(LATEST_DATE)).distinct()
        .withColumn(RECENCY, row_number().over(Window.partitionBy(col(ACCESS_SET), col(MartColumns.CUSTOMER_SK))
            .orderBy(col(Columns.ORDER_SEQUENCE_NUMBER).desc_nulls_last(), col(Columns.ORDER_ID).desc())))
        .filter(col(RECENCY).equalTo(1))
        .join(locations.withColumn(LOCATED, lit(true)), Keys.of(Columns.ORDER_ID), "left");
    Dataset<Row> own = dimCustomers.select(col(MartColumns.CUSTOMER_SK), col(Columns.CUSTOMER_UNIQUE_ID),
        col(Columns.CUSTOMER_CITY).as(OWN + Columns.CUSTOMER_CITY),
        col(MartColumns.CUSTOMER_STATE_CODE).as(OWN + MartColumns.CUSTOMER_STATE_CODE),
        col(Columns.CUSTOMER_ZIP).as(OWN + Columns.CUSTOMER_ZIP),
        col(Columns.ORDER_COUNT).as(OWN + Columns.ORDER_COUNT),
        col(Columns.LAST_ORDER_DATE).as(OWN + Columns.LAST_ORDER_DATE));
    Column theirLatest = col(FACT_NUMBER).cast(DataTypes.LongType)
        .equalTo(col(OWN + Columns.ORDER_COUNT)).and(col(LATEST_DATE).equalTo(col(OWN + Columns.LAST_ORDER_DATE)));
    Dataset<Row> persons = own
        .join(figures, Keys.of(MartColumns.CUSTOMER_SK), "inner")
        .join(latest, Keys.of(ACCESS_SET, MartColumns.CUSTOMER_SK), "inner");
    for (String c : List.of(Columns.CUSTOMER_CITY, MartColumns.CUSTOMER_STATE_CODE, Columns.CUSTOMER_ZIP)) {
      persons = persons.withColumn(c, when(col(LOCATED).isNotNull(), col(c)).when(theirLatest, col(OWN + c)));
    }
    return unknownMember(dimCustomers, MartColumns.CUSTOMER_SK, sets).unionByName(persons
        .withColumn(Columns.IS_REPEAT_BUYER, col(Columns.ORDER_COUNT).gt(1))
        .select(withSet(dimCustomers.columns())));
  }

  /** Each set's sellers of its states, and the unknown member. */
  public static Dataset<Row> sellers(Dataset<Row> dimSellers, Map<String, ? extends Collection<String>> statesBySet) {
    Dataset<Row> known = dimSellers.join(broadcast(setStates(dimSellers.sparkSession(), statesBySet)),
        col(MartColumns.SELLER_STATE_CODE).equalTo(col(STATE))).select(withSet(dimSellers.columns()));
    return unknownMember(dimSellers, MartColumns.SELLER_SK, statesBySet.keySet()).unionByName(known);
  }

  /** Each set's products of its {@code lines}, and the unknown member. */
  public static Dataset<Row> products(Dataset<Row> dimProducts, Dataset<Row> lines, Collection<String> sets) {
    Dataset<Row> sold = lines.select(col(ACCESS_SET), col(MartColumns.PRODUCT_SK)).distinct();
    Dataset<Row> known = dimProducts.filter(col(MartColumns.PRODUCT_SK).notEqual(MartColumns.UNKNOWN_KEY))
        .join(sold, Keys.of(MartColumns.PRODUCT_SK)).select(withSet(dimProducts.columns()));
    return unknownMember(dimProducts, MartColumns.PRODUCT_SK, sets).unionByName(known);
  }

  /** Every row of a table, for each set (a dimension's unknown member). */
  public static Dataset<Row> everyRow(Dataset<Row> table, Collection<String> sets) {
    return table.crossJoin(broadcast(names(table.sparkSession(), sets))).select(withSet(table.columns()));
  }

  private static Dataset<Row> unknownMember(Dataset<Row> dimension, String key, Collection<String> sets) {
    return everyRow(dimension.filter(col(key).equalTo(MartColumns.UNKNOWN_KEY)), sets);
  }

  private static Column[] withSet(String[] columns) {
    return Stream.concat(Arrays.stream(columns), Stream.of(ACCESS_SET)).map(c -> col(c)).toArray(Column[]::new);
  }

  private static Dataset<Row> setStates(SparkSession spark, Map<String, ? extends Collection<String>> statesBySet) {
    List<Row> rows = new ArrayList<>();
    statesBySet.forEach((set, states) -> states.forEach(s -> rows.add(RowFactory.create(set, s))));
    return spark.createDataFrame(rows, StructType.fromDDL(ACCESS_SET + " string, " + STATE + " string"));
  }

  private static Dataset<Row> names(SparkSession spark, Collection<String> sets) {
    return spark.createDataFrame(sets.stream().map(s -> RowFactory.create(s)).toList(),
        StructType.fromDDL(ACCESS_SET + " string"));
  }

  /**
   * A print of each set's partitions of {@code table} ({@code partitionColumn}; the whole table when null): row count
   * and the sum of the rows' hashes, {@code loaded_at} (a copy stamps its own writes) and {@code row_hash} (a function
   * of the other columns) left out. Two versions of a partition with the same print hold the same rows. Keyed by
   * set, then partition.
   */
  public static Map<String, Map<String, Print>> prints(Dataset<Row> table, String partitionColumn) {
    Column[] hashed = Arrays.stream(table.columns())
        .filter(c -> !c.equals(MartColumns.LOADED_AT) && !c.equals(Columns.ROW_HASH) && !c.equals(ACCESS_SET)
            && !c.equals(FACT_NUMBER))
        .sorted()
        .map(c -> col(c)).toArray(Column[]::new);
    Column partition = partitionColumn == null ? lit(WHOLE_TABLE) : col(partitionColumn);
    List<Row> rows = table.groupBy(col(ACCESS_SET), partition.alias("partition"))
        .agg(count(lit(1)), sum(xxhash64(hashed).cast("decimal(38,0)")))
        .collectAsList();
    Map<String, Map<String, Print>> out = new TreeMap<>();
    rows.forEach(r -> out.computeIfAbsent(r.getString(0), s -> new TreeMap<>())
        .put(r.getString(1), new Print(r.getLong(2), r.getDecimal(3).toPlainString())));
    return out;
  }

}
