package org.olist.marts.jobs.rls;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.contract.ContractCheck;
import org.olist.marts.common.io.SideFiles;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.JobMain;
import org.olist.marts.common.job.OlistJob;
import org.olist.marts.jobs.warehouse.Tables;

/**
 * The rls job (SPEC §5): validates the seeds and builds {@code dim_security_rls} and {@code dim_rls_bridge}.
 * Any problem (unknown state, duplicate row, malformed email, group without states) fails the job before
 * either table is written. The fact is never rebuilt for a security change.
 */
public final class RlsJob extends OlistJob {
  public static final String NAME = "rls";

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
    List<Row> userRows = v.users().stream().map(u -> RowFactory.create(u.email(), u.group(), u.level())).toList();
    List<Row> bridgeRows = v.bridge().stream().map(b -> RowFactory.create(b.group(), b.state())).toList();
    Dataset<Row> usersDf = ctx.spark().createDataFrame(userRows, ctx.table(Tables.RLS_USERS).schema());
    Dataset<Row> bridgeDf = ctx.spark().createDataFrame(bridgeRows, ctx.table(Tables.RLS_BRIDGE).schema());
    // both contracts are checked before either table is written
    ContractCheck.enforce(ctx.table(Tables.RLS_USERS), usersDf.schema(), false);
    ContractCheck.enforce(ctx.table(Tables.RLS_BRIDGE), bridgeDf.schema(), false);
    ctx.publish(Tables.RLS_BRIDGE, bridgeDf.coalesce(1), (long) groups.size() - 1, Map.of("seed", dir));
    ctx.publish(Tables.RLS_USERS, usersDf.coalesce(1), (long) users.size() - 1, Map.of("seed", dir));
  }

  private static List<String> lines(JobContext ctx, String file) {
    try {
      return SideFiles.read(file, ctx.spark().sparkContext().hadoopConfiguration())
          .orElseThrow(() -> new OlistException("Cannot build the RLS tables: seed file " + file + " is missing (set "
              + "olist.rls.seeds or OLIST_RLS_SEEDS to the seed directory)"))
          .lines().toList();
    } catch (IOException e) {
      throw new OlistException("Cannot read seed file " + file + ": " + e.getMessage(), e);
    }
  }
}
