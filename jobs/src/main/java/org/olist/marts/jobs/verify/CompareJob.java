package org.olist.marts.jobs.verify;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.olist.marts.common.catalog.Layer;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.catalog.ColumnModel;
import org.olist.marts.common.catalog.ModelCatalog;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.delta.Warehouse;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.JobMain;
import org.olist.marts.common.io.SideFiles;
import org.olist.marts.common.job.OlistJob;
import org.olist.marts.common.job.Parallel;
import org.olist.marts.jobs.warehouse.Tables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves that a run elsewhere (a cluster, an S3 warehouse, a run re-started after a kill) built the same tables as a
 * reference run over the same input: every staging, quarantine, intermediate and mart table of the catalog and every
 * secured copy of every access set in {@code --warehouse} must equal its twin in {@code --expected DIR}, row for
 * row, run stamps aside. Fails naming each table that differs or is missing; writes nothing.
 */
public final class CompareJob extends OlistJob {
  public static final String NAME = "compare";
  public static final String EXPECTED_OPTION = "--expected";
  private static final Logger LOG = LoggerFactory.getLogger(CompareJob.class);

  private final String expectedRoot;

  public CompareJob(String expectedRoot) {
    this.expectedRoot = expectedRoot;
  }

  public static void main(String[] args) {
    System.exit(JobMain.execute(NAME, args, Set.of(EXPECTED_OPTION),
        options -> new CompareJob(options.required(EXPECTED_OPTION, "DIR (the reference warehouse)"))));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected boolean audited() {
    return false;
  }

  /**
   * Relative table path → the catalog model that gives its run stamps: the catalog's tables, and the secured copies
   * of the access sets found under either warehouse (a copy has its mart's columns).
   */
  static Map<String, TableModel> comparedTables(ModelCatalog catalog, Set<String> accessSets) {
    Map<String, TableModel> out = new LinkedHashMap<>();
    TableModel quarantine = catalog.table("quarantine_rows");
    for (Layer layer : Layer.MODELLED) {
      for (TableModel t : catalog.tablesInLayer(layer)) {
        out.put(t.relativePath(), t);
        if (layer == Layer.STAGING) {
          out.put(Layer.QUARANTINE.dir() + "/" + t.name(), quarantine);
        }
      }
    }
    for (String set : accessSets) {
      for (String mart : Tables.SECURED) {
        out.put(Tables.SECURE_DIR + "/" + set + "/" + mart, catalog.table(mart));
      }
    }
    return out;
  }

  /** The access sets with secured copies under either warehouse. */
  private static Set<String> accessSets(JobContext ctx, Warehouse... warehouses) {
    Set<String> out = new TreeSet<>();
    for (Warehouse w : warehouses) {
      String secure = w.root() + "/" + Tables.SECURE_DIR;
      try {
        out.addAll(SideFiles.folders(secure, ctx.spark().sparkContext().hadoopConfiguration()));
      } catch (IOException e) {
        throw new OlistException("Cannot list the access sets under " + secure + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  /** One table's comparison: its problem when it differs or is missing from one side. */
  private record Compared(String table, boolean compared, Optional<String> problem) {
  }

  /**
   * Compares every table, a few at a time as the data tests run (on small tables a comparison is mostly Spark's
   * latency), and fails naming each one that differs.
   */
  @Override
  protected void execute(JobContext ctx) {
    Warehouse actual = ctx.warehouse();
    Warehouse expected = new Warehouse(expectedRoot);
    List<Map.Entry<String, TableModel>> tables = List.copyOf(comparedTables(ModelCatalog.get(),
        accessSets(ctx, actual, expected)).entrySet());
    List<Compared> results = Parallel.map(ctx.config().testParallelism(), tables,
        e -> compare(ctx, actual, expected, e.getKey(), e.getValue()));
    long compared = results.stream().filter(Compared::compared).count();
    List<String> problems = results.stream().flatMap(r -> r.problem().map(p -> r.table() + ": " + p).stream())
        .toList();
    if (compared == 0 && problems.isEmpty()) {
      throw new OlistException("Cannot compare " + actual.root() + " with " + expected.root()
          + ": no tables in either");
    }
    if (!problems.isEmpty()) {
      throw new OlistException("Cannot confirm " + actual.root() + " equals " + expected.root() + ": "
          + String.join("; ", problems));
    }
    LOG.info("All {} tables of {} equal those of {}", compared, actual.root(), expected.root());
  }

  private static Compared compare(JobContext ctx, Warehouse actual, Warehouse expected, String table,
                                  TableModel model) {
    String actualPath = actual.root() + "/" + table;
    String expectedPath = expected.root() + "/" + table;
    boolean inActual = DeltaTable.isDeltaTable(ctx.spark(), actualPath);
    boolean inExpected = DeltaTable.isDeltaTable(ctx.spark(), expectedPath);
    if (!inActual && !inExpected) {
      return new Compared(table, false, Optional.empty());
    }
    if (inActual != inExpected) {
      return new Compared(table, false, Optional.of("only in " + (inActual ? actual.root() : expected.root())));
    }
    List<String> stamps = model.columns().stream().filter(ColumnModel::runStamp).map(ColumnModel::name).toList();
    Optional<String> diff = TableDiff.difference(DeltaTables.read(ctx.spark(), actualPath),
        DeltaTables.read(ctx.spark(), expectedPath), stamps);
    if (diff.isEmpty()) {
      LOG.info("Compared {}: equal to {}", table, expectedPath);
    }
    return new Compared(table, true, diff);
  }
}
