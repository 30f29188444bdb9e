package org.olist.marts.jobs.trino;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.olist.marts.common.catalog.Layer;
import org.olist.marts.common.catalog.ModelCatalog;
import org.olist.marts.common.catalog.TableModel;

/** The Trino view layer keeps up with the catalog: a new mart without a secured view fails the build. */
class SecureViewsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @Test
  void everyMartHasExactlyOneSecuredView() throws IOException {
    String views = Files.readString(ROOT.resolve("conf/trino/secure-views.sql"));
    List<String> wrong = ModelCatalog.get().tablesInLayer(Layer.MARTS).stream().map(TableModel::name)
        .filter(n -> views.split("CREATE OR REPLACE VIEW olist\\.secure\\." + n + " SECURITY DEFINER", -1).length != 2)
        .toList();
    assertEquals(List.of(), wrong, "marts without exactly one secured view in conf/trino/secure-views.sql");
  }
}
