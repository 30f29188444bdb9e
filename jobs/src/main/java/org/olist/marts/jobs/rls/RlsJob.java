package org.olist.marts.jobs.rls;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.storage.StorageLevel;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.common.contract.ContractCheck;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.io.SideFiles;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.JobMain;
import org.olist.marts.common.job.OlistJob;
import org.olist.marts.common.job.Parallel;
import org.olist.marts.common.job.Phases;
import org.olist.marts.common.job.TableResult;
import org.olist.marts.jobs.rls.CopyRefresh.Mode;
import org.olist.marts.jobs.rls.SecuredCopies.Print;
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
  /** The folder of the secured copies under the warehouse root (scripts/trino.sh reads it too). */
  public static final String SECURE_DIR = "secure";
  private static final Logger LOG = LoggerFactory.getLogger(RlsJob.class);
  /** The marts copied per access set. */
  static final List<String> COPIED = List.of(Tables.FCT_ORDER_ITEMS, Tables.DIM_CUSTOMERS, Tables.DIM_SELLERS,
      Tables.DIM_PRODUCTS, Tables.DIM_DATE);
  /** Where a person's visible orders went: the secured dim_customers locates them by these (SPEC §5). */
  static final List<String> LOCATED_BY = List.of(Tables.ORDER_ITEMS_JOINED, Tables.STG_CUSTOMERS);
  /**
   * The marts only the admin reads: the status row counts the whole fact and dates its latest order, and the
   * security tables name every user and group. A new mart must be added to one of the two lists (a test holds it).
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
    String dir = ctx.config().rlsSeeds();
    List<String> users = lines(ctx, dir + "/" + RlsSeeds.USERS_FILE);
    List<String> groups = lines(ctx, dir + "/" + RlsSeeds.GROUPS_FILE);
    RlsSeeds.Validated v = RlsSeeds.validate(users, groups, ctx.catalog().stateCodes());
    if (!v.problems().isEmpty()) {
      throw new OlistException("Cannot build the RLS tables from " + dir + ": " + String.join("; ", v.problems())
          + ". Nothing was written.");
    }
    List<AccessSet> sets = AccessSet.of(v);
    String rules = TrinoAccessRules.json(sets, ctx.config().trinoAdmin());
    List<Row> userRows = v.users().stream().map(u -> RowFactory.create(u.email(), u.group(), u.level())).toList();
    List<Row> bridgeRows = v.bridge().stream().map(b -> RowFactory.create(b.group(), b.state())).toList();
    Dataset<Row> usersDf = ctx.spark().createDataFrame(userRows, ctx.table(Tables.RLS_USERS).schema());
    Dataset<Row> bridgeDf = ctx.spark().createDataFrame(bridgeRows, ctx.table(Tables.RLS_BRIDGE).schema());
    // both contracts are checked before either table is written
    ContractCheck.enforce(ctx.table(Tables.RLS_USERS), usersDf.schema(), false);
    ContractCheck.enforce(ctx.table(Tables.RLS_BRIDGE), bridgeDf.schema(), false);
    ctx.publish(Tables.RLS_BRIDGE, bridgeDf.coalesce(1), (long) groups.size() - 1, Map.of("seed", dir));
    ctx.publish(Tables.RLS_USERS, usersDf.coalesce(1), (long) users.size() - 1, Map.of("seed", dir));
    writeRules(ctx, sets, rules);

    List<String> missing = Stream.concat(COPIED.stream(), LOCATED_BY.stream()).filter(t -> !ctx.exists(t)).toList();
    if (missing.isEmpty()) {
      copies(ctx, sets);
    } else {
      LOG.warn("No secured copies written: the marts {} are not built yet (run the marts job, then rls again); "
          + "until then no user but the admin can read anything in Trino", missing);
    }
    removeOthers(ctx, sets);
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

  /** Each set's copies, refreshed where their rows changed: per mart, one print of every set's rows, then writes. */
  private static void copies(JobContext ctx, List<AccessSet> sets) {
    Phases phases = new Phases(ctx.spark().sparkContext(), NAME);
    Timestamp loadedAt = Timestamp.from(Instant.now());
    Map<String, Set<String>> statesBySet = new LinkedHashMap<>();
    sets.forEach(s -> statesBySet.put(s.name(), s.states()));
    Dataset<Row> sellers = ctx.read(Tables.DIM_SELLERS);
    Dataset<Row> fact = ctx.read(Tables.FCT_ORDER_ITEMS);
    Dataset<Row> lines = SecuredCopies.lines(SecuredCopies.stated(fact, sellers), statesBySet)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<String, Dataset<Row>> copies = new LinkedHashMap<>();
      copies.put(Tables.FCT_ORDER_ITEMS, lines);
      Dataset<Row> locations = SecuredCopies.orderLocations(ctx.read(Tables.ORDER_ITEMS_JOINED),
          ctx.read(Tables.STG_CUSTOMERS));
      copies.put(Tables.DIM_CUSTOMERS, SecuredCopies.customers(ctx.read(Tables.DIM_CUSTOMERS), lines, locations,
          statesBySet.keySet()));
      copies.put(Tables.DIM_SELLERS, SecuredCopies.sellers(sellers, statesBySet));
      copies.put(Tables.DIM_PRODUCTS, SecuredCopies.products(ctx.read(Tables.DIM_PRODUCTS), lines,
          statesBySet.keySet()));
      copies.put(Tables.DIM_DATE, SecuredCopies.everyRow(ctx.read(Tables.DIM_DATE), statesBySet.keySet()));
      List<CopyRefresh> refreshed = new ArrayList<>();
      for (Map.Entry<String, Dataset<Row>> copy : copies.entrySet()) {
        phases.start("secured copies of " + copy.getKey());
        Dataset<Row> rows = copy.getValue() == lines ? lines : copy.getValue().persist(StorageLevel.MEMORY_AND_DISK());
        try {
          UnaryOperator<Dataset<Row>> asStored = copy.getValue() == lines
              ? setRows -> SecuredCopies.stamped(setRows, fact.columns(), loadedAt) : UnaryOperator.identity();
          refreshed.addAll(refresh(ctx, sets, copy.getKey(), rows, asStored));
        } finally {
          if (rows != lines) {
            rows.unpersist();
          }
        }
      }
      phases.stop();
      LOG.info("Secured copies of {} access sets: {}", sets.size(), refreshed.stream()
          .collect(Collectors.groupingBy(r -> r.mode().name().toLowerCase(), TreeMap::new, Collectors.counting())));
    } finally {
      lines.unpersist();
    }
  }

  /**
   * Writes each set's rows of {@code table} (tagged {@link SecuredCopies#ACCESS_SET}; {@code asStored} turns them into
   * the copy's layout) as its copy: whole when the copy is new, differs from the catalog or is unpartitioned and
   * changed; only the changed partitions of a partitioned one; not at all when none of the set's rows changed. Each
   * write keeps the copy's prints beside its version ({@link CopyPrints}).
   */
  static List<CopyRefresh> refresh(JobContext ctx, List<AccessSet> sets, String table, Dataset<Row> rows,
                                   UnaryOperator<Dataset<Row>> asStored) {
    TableModel model = ctx.table(table);
    String partition = model.partitionBy().isEmpty() ? null : model.partitionBy().get(0);
    Map<String, Map<String, Print>> now = SecuredCopies.prints(rows, partition);
    Map<String, Map<String, Print>> before = new TreeMap<>();
    Dataset<Row> unprinted = null;
    for (AccessSet set : sets) {
      String path = copyPath(ctx, set, table);
      if (DeltaTables.exists(ctx.spark(), path)) {
        Optional<Map<String, Print>> kept = CopyPrints.read(ctx.spark(), path, DeltaTables.version(ctx.spark(), path));
        if (kept.isPresent()) {
          before.put(set.name(), kept.get());
        } else {
          Dataset<Row> copy = DeltaTables.read(ctx.spark(), path).withColumn(SecuredCopies.ACCESS_SET, lit(set.name()));
          unprinted = unprinted == null ? copy : unprinted.unionByName(copy, true);
          before.put(set.name(), Map.of());
        }
      }
    }
    if (unprinted != null) {
      before.putAll(SecuredCopies.prints(unprinted, partition));
    }
    return Parallel.map(ctx.config().rlsParallelism(), sets, set -> write(ctx, model, partition, set, rows, asStored,
        now.getOrDefault(set.name(), Map.of()), before.get(set.name())));
  }

  /**
   * One set's copy of a mart: compared by its prints ({@code before} null when the copy does not exist yet), then
   * created, replaced, partly replaced or left as it is.
   */
  private static CopyRefresh write(JobContext ctx, TableModel model, String partition, AccessSet set,
                                   Dataset<Row> rows, UnaryOperator<Dataset<Row>> asStored,
                                   Map<String, Print> setNow, Map<String, Print> setBefore) {
    Instant start = Instant.now();
    String path = copyPath(ctx, set, model.name());
    Set<String> changed = new TreeSet<>(setNow.keySet());
    if (setBefore != null) {
      changed.addAll(setBefore.keySet());
      changed.removeIf(p -> Objects.equals(setNow.get(p), setBefore.get(p)));
    }
    Mode mode;
    if (setBefore == null) {
      mode = Mode.CREATED;
    } else if (changed.isEmpty()) {
      mode = Mode.UNCHANGED;
    } else if (partition == null
        || !DeltaTables.differences(ctx.spark(), path, model.schema(), model.partitionBy()).isEmpty()) {
      mode = Mode.REPLACED;
    } else {
      mode = Mode.PARTITIONS;
    }
    CopyRefresh refresh = new CopyRefresh(set, model.name(), mode, List.copyOf(changed));
    Dataset<Row> setRows = asStored.apply(rows.filter(col(SecuredCopies.ACCESS_SET).equalTo(set.name()))
        .drop(SecuredCopies.ACCESS_SET));
    if (partition != null) {
      // one file per month: otherwise every task holding some of the set's rows writes a file into every month
      setRows = setRows.repartition(col(partition));
    }
    TableResult written = switch (mode) {
      case UNCHANGED -> {
        ctx.recordSkip(ctx.name(path), "no row of access set " + set.name() + " changed");
        yield null;
      }
      case PARTITIONS -> {
        String where = partition + " IN (" + changed.stream().map(p -> "'" + p + "'")
            .collect(Collectors.joining(", ")) + ")";
        yield ctx.overwrite(start, model, path, setRows.filter(col(partition).isin(changed.toArray())), null,
            refresh.details(), Map.of(DeltaTables.REPLACE_WHERE, where));
      }
      default -> ctx.overwrite(start, model, path, setRows, null, refresh.details(), Map.of());
    };
    if (written != null) {
      CopyPrints.write(ctx.spark(), path, written.deltaVersion(), setNow);
    }
    return refresh;
  }

  /** Where the copies live: {@code <warehouse>/secure}, beside the layers (a copy is no catalog table of its own). */
  static String secure(JobContext ctx) {
    return ctx.warehouse().root() + "/" + SECURE_DIR;
  }

  static String copyPath(JobContext ctx, AccessSet set, String table) {
    return secure(ctx) + "/" + set.name() + "/" + table;
  }

  /** Removes the copies of access sets no user has any more (a removed user's set, a regrouped one). */
  private static void removeOthers(JobContext ctx, List<AccessSet> sets) {
    Set<String> kept = sets.stream().map(AccessSet::name).collect(Collectors.toSet());
    Path secure = new Path(secure(ctx));
    try {
      FileSystem fs = secure.getFileSystem(hadoop(ctx));
      if (!fs.exists(secure)) {
        return;
      }
      List<String> removed = new ArrayList<>();
      for (FileStatus child : fs.listStatus(secure)) {
        String name = child.getPath().getName();
        if (child.isDirectory() && !SideFiles.hidden(name) && !kept.contains(name)) {
          if (!fs.delete(child.getPath(), true)) {
            throw new IOException("the file system did not delete " + child.getPath());
          }
          removed.add(name);
        }
      }
      if (!removed.isEmpty()) {
        LOG.info("Removed the secured copies of access sets no user has any more: {}", removed);
      }
    } catch (IOException e) {
      throw new OlistException("Cannot remove the secured copies of former access sets under " + secure + ": "
          + e.getMessage(), e);
    }
  }

  private static Configuration hadoop(JobContext ctx) {
    return ctx.spark().sparkContext().hadoopConfiguration();
  }

  private static List<String> lines(JobContext ctx, String file) {
    try {
      return SideFiles.read(file, hadoop(ctx))
          .orElseThrow(() -> new OlistException("Cannot build the RLS tables: seed file " + file + " is missing (set "
              + "olist.rls.seeds or OLIST_RLS_SEEDS to the seed directory)"))
          .lines().toList();
    } catch (IOException e) {
      throw new OlistException("Cannot read seed file " + file + ": " + e.getMessage(), e);
    }
  }
}
