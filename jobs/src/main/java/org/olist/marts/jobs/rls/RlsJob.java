package org.olist.marts.jobs.rls;


import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.storage.StorageLevel;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.contract.ContractCheck;
import org.olist.marts.common.io.SideFiles;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.JobMain;
import org.olist.marts.common.job.OlistJob;
import org.olist.marts.common.job.Phases;
import org.olist.marts.jobs.warehouse.PipelineJobs;
import org.olist.marts.jobs.warehouse.Tables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rls job (SPEC §5): validates the seeds, builds {@code dim_security_rls} and {@code dim_rls_bridge}, then the
 * secured copies of the marts, one set of tables per access set under {@code secure/<set>/}, and Trino's access
 * rules ({@code secure/_trino_access_rules.json}) that let each user read only their set's copies. Any seed problem
 * fails the job before anything is written. A copy is rewritten only where its rows changed (the fact's changed
 * months), so its history depends on nothing it does not hold; the base fact is never rebuilt for a security
 * change, and the copies of a set no user has any more are removed.
 */
public final class RlsJob extends OlistJob {
  public static final String NAME = PipelineJobs.RLS;
  private static final Logger LOG = LoggerFactory.getLogger(RlsJob.class);
  /**
   * The marts that hold nothing of anyone's (SPEC §5): every mapped user reads the one base table, so they need
   * no copy.
   */
  static final List<String> SHARED = List.of(Tables.DIM_DATE);
  /** Where a person's visible orders went: the secured dim_customers locates them by these (SPEC §5). */
  static final List<String> LOCATED_BY = List.of(Tables.ORDER_ITEMS_JOINED, Tables.STG_CUSTOMERS);
  /**
   * The marts only the admin reads: the status row counts the whole fact and dates its latest order, and the
   * security tables name every user and group. A new mart must be added to one of the three lists (a test holds
   * it).
   */
  static final List<String> ADMIN_ONLY = List.of(Tables.PROJECT_STATUS, Tables.RLS_USERS, Tables.RLS_BRIDGE);

  public static void main(String[] args) {
    JobMain.main(new RlsJob(), args);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected void execute(JobContext ctx) {
    Phases phases = new Phases(ctx.spark().sparkContext(), NAME);
    try {
      phases.start("seeds");
      RlsSeeds.Loaded seeds = RlsSeeds.load(ctx.config().rlsSeeds(), hadoop(ctx), ctx.catalog().stateCodes());
      List<AccessSet> sets = AccessSet.of(seeds.validated());
      String rules = TrinoAccessRules.json(sets, ctx.config().trinoAdmin(), SHARED);
      phases.start("security tables");
      securityTables(ctx, seeds);
      phases.start("access rules");
      writeRules(ctx, sets, rules);
      List<String> missing = Stream.concat(Tables.SECURED.stream(), LOCATED_BY.stream()).filter(t -> !ctx.exists(t))
          .toList();
      if (missing.isEmpty()) {
        copies(ctx, sets, phases);
      } else {
        LOG.warn("No secured copies written: the marts {} are not built yet (run the marts job, then rls again); "
            + "until then no user but the admin can read anything in Trino", missing);
      }
      phases.start("former access sets and copies");
      removeStale(ctx, sets);
    } finally {
      phases.stop();
    }
  }

  /** {@code dim_rls_bridge} and {@code dim_security_rls}: both contracts checked before either is written. */
  private static void securityTables(JobContext ctx, RlsSeeds.Loaded seeds) {
    List<Row> userRows = seeds.validated().users().stream()
        .map(u -> RowFactory.create(u.email(), u.group(), u.level())).toList();
    List<Row> bridgeRows = seeds.validated().bridge().stream()
        .map(b -> RowFactory.create(b.group(), b.state())).toList();
    Dataset<Row> usersDf = ctx.spark().createDataFrame(userRows, ctx.table(Tables.RLS_USERS).schema());
    Dataset<Row> bridgeDf = ctx.spark().createDataFrame(bridgeRows, ctx.table(Tables.RLS_BRIDGE).schema());
    ContractCheck.enforce(ctx.table(Tables.RLS_USERS), usersDf.schema(), false);
    ContractCheck.enforce(ctx.table(Tables.RLS_BRIDGE), bridgeDf.schema(), false);
    RlsSeeds.Seeded seeded = new RlsSeeds.Seeded(seeds.directory());
    ctx.write(ctx.overwriteOf(Tables.RLS_BRIDGE, bridgeDf.coalesce(1)).withRowsIn(seeds.groupLines())
        .withDetails(seeded));
    ctx.write(ctx.overwriteOf(Tables.RLS_USERS, usersDf.coalesce(1)).withRowsIn(seeds.userLines())
        .withDetails(seeded));
  }

  /**
   * Replaces the access rules in one step (a reader sees the old file or the new one). Written before any copy, so
   * a removed user loses access even when a copy fails later; a new user's schema appears with its copies.
   */
  private static void writeRules(JobContext ctx, List<AccessSet> sets, String rules) {
    String rulesFile = secure(ctx) + "/" + TrinoAccessRules.FILE;
    try {
      SideFiles.replace(rulesFile, rules, hadoop(ctx));
    } catch (IOException e) {
      throw new OlistException("Cannot write the Trino access rules " + rulesFile + ": " + e.getMessage(), e);
    }
    LOG.info("Trino access rules for {} access sets and {} users written to {}", sets.size(),
        sets.stream().mapToInt(s -> s.users().size()).sum(), rulesFile);
  }

  /**
   * Each set's copies: those of the fact, dim_customers and dim_products follow the day's changes where they can
   * ({@link FollowedCopies}); the others, and every dim_sellers copy, are refreshed where their rows changed: per
   * mart, one print of every set's rows, then writes.
   */
  private static void copies(JobContext ctx, List<AccessSet> sets, Phases phases) {
    Timestamp loadedAt = Timestamp.from(Instant.now());
    FollowedCopies following = new FollowedCopies(ctx);
    phases.start("secured copies that follow the changes");
    FollowedCopies.Plan plan = following.plan(sets);
    List<AccessSet> whole = new ArrayList<>(plan.whole());
    plan.followed().forEach((since, followed) -> following.refresh(since, followed, loadedAt)
        .ifPresent(gap -> whole.addAll(followed)));
    CopyWriter writer = new CopyWriter(ctx, following::inputs);
    List<CopyRefresh> refreshed = new ArrayList<>();
    Dataset<Row> sellers = ctx.read(Tables.DIM_SELLERS);
    if (!whole.isEmpty()) {
      refreshed.addAll(wholeCopies(ctx, whole, writer, sellers, loadedAt, phases));
    }
    phases.start("secured copies of " + Tables.DIM_SELLERS);
    Dataset<Row> sellerRows = SecuredCopies.sellers(sellers, statesBySet(sets)).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      refreshed.addAll(writer.refresh(sets, CopyWriter.CopiedMart.asIs(Tables.DIM_SELLERS, sellerRows)));
    } finally {
      sellerRows.unpersist();
    }
    LOG.info("Secured copies of {} access sets: {} followed the changes; {}", sets.size(), sets.size() - whole.size(),
        refreshed.stream().collect(Collectors.groupingBy(r -> r.mode().word(), TreeMap::new, Collectors.counting())));
  }

  /** Each set's states, by set name, in the sets' order. */
  static Map<String, Set<String>> statesBySet(List<AccessSet> sets) {
    Map<String, Set<String>> statesBySet = new LinkedHashMap<>();
    sets.forEach(s -> statesBySet.put(s.name(), s.states()));
    return statesBySet;
  }

  /** The copies of the fact, dim_customers and dim_products of {@code sets}, derived from every row. */
  private static List<CopyRefresh> wholeCopies(JobContext ctx, List<AccessSet> sets, CopyWriter writer,
                                               Dataset<Row> sellers, Timestamp loadedAt, Phases phases) {
    Map<String, Set<String>> statesBySet = statesBySet(sets);
    Dataset<Row> fact = ctx.read(Tables.FCT_ORDER_ITEMS);
    Dataset<Row> lines = SecuredCopies.lines(SecuredCopies.stated(fact, sellers), statesBySet)
        .persist(StorageLevel.MEMORY_AND_DISK());
    List<CopyRefresh> refreshed = new ArrayList<>();
    try {
      phases.start("secured copies of " + Tables.FCT_ORDER_ITEMS);
      refreshed.addAll(writer.refresh(sets, new CopyWriter.CopiedMart(Tables.FCT_ORDER_ITEMS, lines,
          setRows -> SecuredCopies.stamped(setRows, fact.columns(), loadedAt))));
      Dataset<Row> locations = SecuredCopies.orderLocations(ctx.read(Tables.ORDER_ITEMS_JOINED),
          ctx.read(Tables.STG_CUSTOMERS));
      Map<String, Dataset<Row>> dimensions = new LinkedHashMap<>();
      dimensions.put(Tables.DIM_CUSTOMERS, SecuredCopies.customers(ctx.read(Tables.DIM_CUSTOMERS), lines, locations,
          statesBySet.keySet()));
      dimensions.put(Tables.DIM_PRODUCTS, SecuredCopies.products(ctx.read(Tables.DIM_PRODUCTS), lines,
          statesBySet.keySet()));
      for (Map.Entry<String, Dataset<Row>> dimension : dimensions.entrySet()) {
        phases.start("secured copies of " + dimension.getKey());
        Dataset<Row> rows = dimension.getValue().persist(StorageLevel.MEMORY_AND_DISK());
        try {
          refreshed.addAll(writer.refresh(sets, CopyWriter.CopiedMart.asIs(dimension.getKey(), rows)));
        } finally {
          rows.unpersist();
        }
      }
    } finally {
      lines.unpersist();
    }
    return refreshed;
  }

  /** Where the copies live: {@code <warehouse>/secure}, beside the layers (a copy is no catalog table of its own). */
  static String secure(JobContext ctx) {
    return ctx.warehouse().root() + "/" + Tables.SECURE_DIR;
  }

  static String copyPath(JobContext ctx, AccessSet set, String table) {
    return secure(ctx) + "/" + set.name() + "/" + table;
  }

  /**
   * Removes the copies of access sets no user has any more (a removed user's set, a regrouped one), and in the
   * others the copies of marts no longer copied (a {@code dim_date} copy of an earlier version).
   */
  private static void removeStale(JobContext ctx, List<AccessSet> sets) {
    Set<String> kept = sets.stream().map(AccessSet::name).collect(Collectors.toSet());
    try {
      List<String> removed = SideFiles.deleteFoldersExcept(secure(ctx), kept, hadoop(ctx));
      if (!removed.isEmpty()) {
        LOG.info("Removed the secured copies of access sets no user has any more: {}", removed);
      }
      for (AccessSet set : sets) {
        List<String> stale = SideFiles.deleteFoldersExcept(secure(ctx) + "/" + set.name(),
            Set.copyOf(Tables.SECURED), hadoop(ctx));
        if (!stale.isEmpty()) {
          LOG.info("Removed the copies of {} from access set {}: they are no longer copied", stale, set.name());
        }
      }
    } catch (IOException e) {
      throw new OlistException("Cannot remove the stale secured copies under " + secure(ctx) + ": " + e.getMessage(),
          e);
    }
  }

  private static Configuration hadoop(JobContext ctx) {
    return ctx.spark().sparkContext().hadoopConfiguration();
  }

}
