package org.olist.marts.jobs.rls;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.olist.marts.common.audit.Details;
import org.olist.marts.common.audit.RunDetail;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.common.delta.DeltaTables;
import org.olist.marts.common.delta.KeptPrints.Print;
import org.olist.marts.common.delta.KeptPrints;
import org.olist.marts.common.delta.WriteRequest;
import org.olist.marts.common.job.InputChanges;
import org.olist.marts.common.job.Inputs;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.Parallel;
import org.olist.marts.common.job.TableResult;

/**
 * Writes one mart's secured copies, one per access set, only where a set's rows changed (SPEC §5): the prints of
 * every set's rows now ({@link SecuredCopies#prints}, one Spark pass for all sets) against those kept beside each
 * copy's version ({@link KeptPrints}; scanned when none are), then per set the plan ({@link CopyRefresh#plan}) and
 * its write, and the new version's prints kept.
 */
final class CopyWriter {
  private final JobContext ctx;
  /** What a set's copies are derived from, recorded with each write so the next run can follow the changes. */
  private final Function<AccessSet, Inputs> inputs;

  CopyWriter(JobContext ctx, Function<AccessSet, Inputs> inputs) {
    this.ctx = ctx;
    this.inputs = inputs;
  }

  /**
   * A mart as copied: its rows for every set (tagged {@link SecuredCopies#ACCESS_SET}) and how one set's rows become
   * the stored copy ({@code asStored}: the fact's copy stamps its hash and write time; a dimension is stored as is).
   */
  record CopiedMart(String table, Dataset<Row> rows, UnaryOperator<Dataset<Row>> asStored) {
    static CopiedMart asIs(String table, Dataset<Row> rows) {
      return new CopiedMart(table, rows, UnaryOperator.identity());
    }
  }

  /** What a copy held before this run: the version read and its prints (empty prints when it has no rows). */
  private record Before(long version, Map<String, Print> prints) {
  }

  /** The copies of {@code mart} of {@code sets}, whose rows {@code mart} holds. */
  List<CopyRefresh> refresh(List<AccessSet> sets, CopiedMart mart) {
    TableModel model = ctx.table(mart.table());
    String partition = model.partitionBy().isEmpty() ? null : model.partitionBy().get(0);
    Map<String, Map<String, Print>> now = SecuredCopies.prints(mart.rows(), partition);
    Map<String, Before> before = before(sets, mart.table(), partition);
    return Parallel.map(ctx.config().rlsParallelism(), sets, set -> write(model, partition, set, mart,
        now.getOrDefault(set.name(), Map.of()), Optional.ofNullable(before.get(set.name()))));
  }

  /** Each existing copy's version and prints: kept ones read, the others scanned together in one pass. */
  private Map<String, Before> before(List<AccessSet> sets, String table, String partition) {
    Map<String, Before> out = new TreeMap<>();
    Map<String, Long> unprintedVersions = new TreeMap<>();
    Dataset<Row> unprinted = null;
    for (AccessSet set : sets) {
      String path = RlsJob.copyPath(ctx, set, table);
      if (!DeltaTables.exists(ctx.spark(), path)) {
        continue;
      }
      long version = DeltaTables.version(ctx.spark(), path);
      Optional<? extends Map<String, Print>> kept = KeptPrints.read(ctx.spark(), path, version);
      if (kept.isPresent()) {
        out.put(set.name(), new Before(version, kept.get()));
      } else {
        Dataset<Row> copy = DeltaTables.read(ctx.spark(), path, version)
            .withColumn(SecuredCopies.ACCESS_SET, lit(set.name()));
        unprinted = unprinted == null ? copy : unprinted.unionByName(copy, true);
        unprintedVersions.put(set.name(), version);
      }
    }
    if (unprinted != null) {
      Map<String, Map<String, Print>> scanned = SecuredCopies.prints(unprinted, partition);
      unprintedVersions.forEach((set, version) ->
          out.put(set, new Before(version, scanned.getOrDefault(set, Map.of()))));
    }
    return out;
  }

  /** One set's copy: planned from its prints, then created, replaced, partly replaced or left as it is. */
  private CopyRefresh write(TableModel model, String partition, AccessSet set, CopiedMart mart,
                            Map<String, Print> setNow, Optional<Before> setBefore) {
    Instant start = Instant.now();
    String path = RlsJob.copyPath(ctx, set, model.name());
    boolean schemaDiffers = setBefore.isPresent()
        && !DeltaTables.differences(ctx.spark(), path, model.schema(), model.partitionBy()).isEmpty();
    CopyRefresh refresh = CopyRefresh.plan(set, model.name(), partition != null, schemaDiffers, setNow,
        setBefore.map(Before::prints));
    Details details = refresh.and(inputs.apply(set)).and(() -> Details.of(RunDetail.COMPUTED_FROM,
        InputChanges.WHOLE));
    if (refresh.mode() == CopyRefresh.Mode.UNCHANGED) {
      // published again with what it is derived from now: the next run follows the changes from here
      Before kept = setBefore.orElseThrow();
      ctx.recordWrite(ctx.name(path), start, kept.prints().values().stream().mapToLong(Print::rows).sum(), 0,
          kept.version(), null, details);
      return refresh;
    }
    Dataset<Row> setRows = mart.asStored().apply(mart.rows().filter(col(SecuredCopies.ACCESS_SET).equalTo(set.name()))
        .drop(SecuredCopies.ACCESS_SET));
    if (partition != null) {
      // one file per month: otherwise every task holding some of the set's rows writes a file into every month
      setRows = setRows.repartition(col(partition));
    }
    if (refresh.mode() == CopyRefresh.Mode.PARTITIONS) {
      String where = partition + " IN (" + refresh.partitions().stream().map(p -> "'" + p.replace("'", "''") + "'")
          .collect(Collectors.joining(", ")) + ")";
      TableResult written = ctx.write(WriteRequest.replaceWhere(model, path,
          setRows.filter(col(partition).isin(refresh.partitions().toArray())), where)
          .timedFrom(start).withDetails(details));
      // the other partitions' prints were read at the version before: they hold only if nobody wrote in between
      KeptPrints.keepIfNext(ctx.spark(), path, setBefore.orElseThrow().version(), written.deltaVersion(), setNow);
    } else {
      TableResult written = ctx.write(WriteRequest.overwrite(model, path, setRows).timedFrom(start)
          .withDetails(details));
      KeptPrints.keep(ctx.spark(), path, written.deltaVersion(), setNow);
    }
    return refresh;
  }
}
