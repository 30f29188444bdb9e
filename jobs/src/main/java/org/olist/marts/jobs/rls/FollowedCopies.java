package org.olist.marts.jobs.rls;

import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.olist.marts.common.audit.Details;
import org.olist.marts.common.audit.RunDetail;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.common.config.IncrementalMode;
import org.olist.marts.common.delta.ChangeFeed;
import org.olist.marts.common.delta.WriteRequest;
import org.olist.marts.common.job.InputChanges;
import org.olist.marts.common.job.Inputs;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.Parallel;
import org.olist.marts.common.job.Reuse;
import org.olist.marts.common.spark.Keys;
import org.olist.marts.jobs.orderlines.Columns;
import org.olist.marts.jobs.warehouse.MartColumns;
import org.olist.marts.jobs.warehouse.Tables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secured copies that follow the day's changes (issue 33: the rls job refreshes only what changed). A copy of
 * the fact, {@code dim_customers} or {@code dim_products} records what it was derived from (the marts' and the lines'
 * versions, the set's states); when only those versions moved on, the persons and products the changes touch are
 * found from the change feeds — a person with a changed line, every person and product of a seller who changed, a
 * person whose order's customer row changed, a product whose row changed — and only their rows are derived again
 * (exactly as {@link SecuredCopies} derives every row, so nothing comes from a hidden line) and merged into each
 * copy by their difference. A set whose copies cannot follow (new, changed states, a copy written by an attempt that
 * did not finish, a gap in a feed) is derived whole, and the audit row says why.
 */
final class FollowedCopies {
  /** The marts whose copies follow the changes; {@code dim_sellers}' copies are small and always derived whole. */
  static final List<String> FOLLOWED = List.of(Tables.FCT_ORDER_ITEMS, Tables.DIM_CUSTOMERS, Tables.DIM_PRODUCTS);
  /** What a set's copies are derived from. */
  static final List<String> INPUTS = List.of(Tables.FCT_ORDER_ITEMS, Tables.DIM_SELLERS, Tables.DIM_CUSTOMERS,
      Tables.DIM_PRODUCTS, Tables.ORDER_ITEMS_JOINED, Tables.STG_CUSTOMERS);
  private static final Logger LOG = LoggerFactory.getLogger(FollowedCopies.class);

  private final JobContext ctx;

  FollowedCopies(JobContext ctx) {
    this.ctx = ctx;
  }

  /**
   * What the copies of {@code set} are derived from: {@link #INPUTS} at the versions read, under its states and the
   * contracts of the copies.
   */
  Inputs inputs(AccessSet set) {
    return ctx.inputs(INPUTS, "states " + set.states(), ctx.table(Tables.FCT_ORDER_ITEMS).columns(),
        ctx.table(Tables.DIM_CUSTOMERS).columns(), ctx.table(Tables.DIM_PRODUCTS).columns(),
        ctx.table(Tables.DIM_SELLERS).columns());
  }

  /**
   * The sets whose followed copies are all kept (nothing they read changed: recorded as unchanged here), those that
   * follow the changes since one recorded print of their inputs (grouped by it), and those derived whole.
   */
  record Plan(Map<String, List<AccessSet>> followed, List<AccessSet> whole) {
  }

  Plan plan(List<AccessSet> sets) {
    Map<String, List<AccessSet>> followed = new TreeMap<>();
    List<AccessSet> whole = new ArrayList<>();
    for (AccessSet set : sets) {
      Inputs inputs = inputs(set);
      List<Reuse> decisions = FOLLOWED.stream().map(t -> ctx.reuse(RlsJob.copyPath(ctx, set, t), inputs)).toList();
      if (decisions.stream().allMatch(d -> d.kept().isPresent())) {
        decisions.forEach(d -> ctx.recordUnchanged(d.kept().get()));
        continue;
      }
      // sets whose copies were derived from the same versions (their states differ) follow the changes together
      Set<String> since = new TreeSet<>();
      for (Reuse d : decisions) {
        since.add(d.changedSince().flatMap(p -> p.detail(RunDetail.INPUTS)).map(Inputs::versionsIn).orElse(""));
      }
      if (since.size() == 1 && !since.contains("")) {
        followed.computeIfAbsent(since.iterator().next(), k -> new ArrayList<>()).add(set);
      } else {
        LOG.info("Deriving the copies of access set {} whole: {}", set.name(), decisions.stream()
            .filter(d -> d.changedSince().isEmpty()).map(Reuse::reason).findFirst()
            .orElse("its copies were derived from different versions"));
        whole.add(set);
      }
    }
    return new Plan(followed, whole);
  }

  /**
   * Refreshes the copies of {@code sets}, all derived from the inputs printed {@code since}, from what changed since;
   * empty when it did, otherwise why it could not (then nothing was written and they are derived whole).
   */
  Optional<String> refresh(String since, List<AccessSet> sets, Timestamp loadedAt) {
    Touched touched;
    try {
      touched = touched(since);
    } catch (ChangeFeed.Gap gap) {
      LOG.warn("Deriving the copies of access sets {} whole: {}", names(sets), gap.getMessage());
      return Optional.of(gap.getMessage());
    }
    Map<String, Set<String>> statesBySet = RlsJob.statesBySet(sets);
    Dataset<Row> fact = ctx.read(Tables.FCT_ORDER_ITEMS);
    Dataset<Row> sellers = ctx.read(Tables.DIM_SELLERS);
    // each computed once, before the sets' writes read them in parallel: only the touched keys' rows
    Dataset<Row> lines = ctx.measured(SecuredCopies.lines(SecuredCopies.stated(fact.join(touched.persons(),
        Keys.of(MartColumns.CUSTOMER_SK), "left_semi"), sellers), statesBySet));
    Dataset<Row> productLines = SecuredCopies.visible(SecuredCopies.stated(fact.join(touched.products(),
        Keys.of(MartColumns.PRODUCT_SK), "left_semi"), sellers), statesBySet);
    Dataset<Row> locations = SecuredCopies.orderLocations(ctx.read(Tables.ORDER_ITEMS_JOINED)
        .join(lines.select(col(Columns.ORDER_ID)).distinct(), Keys.of(Columns.ORDER_ID), "left_semi"),
        ctx.read(Tables.STG_CUSTOMERS));
    Dataset<Row> persons = known(touched.persons(), MartColumns.CUSTOMER_SK);
    Dataset<Row> products = known(touched.products(), MartColumns.PRODUCT_SK);
    Dataset<Row> customers = SecuredCopies.customers(ctx.read(Tables.DIM_CUSTOMERS)
        .join(persons, Keys.of(MartColumns.CUSTOMER_SK), "left_semi"), lines, locations, statesBySet.keySet())
        .join(persons, Keys.of(MartColumns.CUSTOMER_SK), "left_semi").localCheckpoint(true);
    Dataset<Row> productRows = SecuredCopies.products(ctx.read(Tables.DIM_PRODUCTS)
        .join(products, Keys.of(MartColumns.PRODUCT_SK), "left_semi"), productLines, statesBySet.keySet())
        .join(products, Keys.of(MartColumns.PRODUCT_SK), "left_semi").localCheckpoint(true);
    Parallel.map(ctx.config().rlsParallelism(), sets, set -> {
      Inputs inputs = inputs(set);
      write(set, Tables.FCT_ORDER_ITEMS, SecuredCopies.stamped(ofSet(lines, set), fact.columns(), loadedAt),
          touched.persons(), inputs);
      write(set, Tables.DIM_CUSTOMERS, ofSet(customers, set), persons, inputs);
      write(set, Tables.DIM_PRODUCTS, ofSet(productRows, set), products, inputs);
      return set;
    });
    return Optional.empty();
  }

  /** What the changes since the inputs printed {@code since} touch: persons and products, by surrogate key. */
  record Touched(Dataset<Row> persons, Dataset<Row> products) {
  }

  private Touched touched(String since) throws ChangeFeed.Gap {
    Dataset<Row> factChanges = ctx.changesOf(Tables.FCT_ORDER_ITEMS, since);
    Dataset<Row> sellerChanges = ctx.changesOf(Tables.DIM_SELLERS, since).select(col(MartColumns.SELLER_SK));
    Dataset<Row> fact = ctx.read(Tables.FCT_ORDER_ITEMS);
    // the persons and products of a changed seller's lines, from one scan of the fact
    Dataset<Row> ofSellers = fact.join(sellerChanges, Keys.of(MartColumns.SELLER_SK), "left_semi")
        .select(col(MartColumns.CUSTOMER_SK), col(MartColumns.PRODUCT_SK)).localCheckpoint(true);
    // where a person's order went: a changed customer row, or an order line now naming another customer
    Dataset<Row> movedCustomers = batchChanges(ctx.changesOf(Tables.STG_CUSTOMERS, since))
        .select(col(Columns.CUSTOMER_ID));
    Dataset<Row> lineChanges = batchChanges(ctx.changesOf(Tables.ORDER_ITEMS_JOINED, since));
    Dataset<Row> movedPersons = ctx.measured(ctx.read(Tables.ORDER_ITEMS_JOINED)
        .join(movedCustomers, Keys.of(Columns.CUSTOMER_ID), "left_semi").select(col(Columns.CUSTOMER_UNIQUE_ID))
        .union(lineChanges.select(col(Columns.CUSTOMER_UNIQUE_ID))));
    Dataset<Row> relocated = ctx.read(Tables.DIM_CUSTOMERS)
        .join(movedPersons, Keys.of(Columns.CUSTOMER_UNIQUE_ID), "left_semi").select(col(MartColumns.CUSTOMER_SK));
    Dataset<Row> persons = ctx.measured(factChanges.select(col(MartColumns.CUSTOMER_SK))
        .union(ofSellers.select(col(MartColumns.CUSTOMER_SK))).union(relocated).distinct());
    Dataset<Row> products = ctx.measured(factChanges.select(col(MartColumns.PRODUCT_SK))
        .union(ofSellers.select(col(MartColumns.PRODUCT_SK)))
        .union(ctx.changesOf(Tables.DIM_PRODUCTS, since).select(col(MartColumns.PRODUCT_SK))).distinct());
    LOG.info("The secured copies follow the changes: {} persons and {} products touched", persons.count(),
        products.count());
    return new Touched(persons, products);
  }

  /**
   * The changes of a staging or intermediate table that say something of the marts: all of them, but in append mode,
   * where those tables hold one batch, the rows of the batch before, which leave them as the next batch arrives
   * (deletes in their feed) while nothing leaves the marts.
   */
  private Dataset<Row> batchChanges(Dataset<Row> feed) {
    return ctx.config().incrementalMode() == IncrementalMode.APPEND
        ? feed.filter(col(ChangeFeed.CHANGE_TYPE).notEqual(ChangeFeed.DELETE)) : feed;
  }

  /** One set's copy of {@code table}: {@code rows} merged by their difference into the rows of the {@code scope} keys. */
  private void write(AccessSet set, String table, Dataset<Row> rows, Dataset<Row> scope, Inputs inputs) {
    Instant start = Instant.now();
    TableModel model = ctx.table(table);
    String path = RlsJob.copyPath(ctx, set, table);
    Details followed = new CopyRefresh(set, table, CopyRefresh.Mode.CHANGES, List.of())
        .and(inputs).and(() -> Details.of(RunDetail.COMPUTED_FROM, InputChanges.CHANGES));
    ctx.write(WriteRequest.sync(model, path, rows).scopedTo(scope).timedFrom(start).withDetails(followed));
  }

  /** The rows of one set, without the set column. */
  private static Dataset<Row> ofSet(Dataset<Row> rows, AccessSet set) {
    return rows.filter(col(SecuredCopies.ACCESS_SET).equalTo(set.name())).drop(SecuredCopies.ACCESS_SET);
  }

  /** The keys but the unknown member's (a constant row every copy keeps). */
  private static Dataset<Row> known(Dataset<Row> keys, String key) {
    return keys.filter(col(key).notEqual(MartColumns.UNKNOWN_KEY));
  }

  private static List<String> names(List<AccessSet> sets) {
    return sets.stream().map(AccessSet::name).toList();
  }
}
