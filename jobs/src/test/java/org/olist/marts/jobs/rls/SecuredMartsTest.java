package org.olist.marts.jobs.rls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.olist.marts.common.catalog.Layer;
import org.olist.marts.common.catalog.ModelCatalog;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.jobs.warehouse.Tables;

/**
 * Every mart is copied per access set, shared (it holds nothing of anyone's) or the admin's alone: a new mart cannot
 * reach users by accident.
 */
class SecuredMartsTest {
  @Test
  void everyMartIsCopiedSharedOrAdminOnly() {
    List<String> decided = new ArrayList<>(Tables.SECURED);
    decided.addAll(RlsJob.SHARED);
    decided.addAll(RlsJob.ADMIN_ONLY);
    assertEquals(new TreeSet<>(ModelCatalog.get().tablesInLayer(Layer.MARTS).stream().map(TableModel::name).toList()),
        new TreeSet<>(decided),
        "marts the rls job neither copies, shares nor keeps for the admin (Tables.SECURED, RlsJob.SHARED/ADMIN_ONLY)");
    assertEquals(decided.size(), new TreeSet<>(decided).size(), "a mart in two lists");
  }
}
