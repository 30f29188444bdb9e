package org.olist.marts.common.catalog;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.olist.marts.common.OlistException;

/**
 * The model catalog of SPEC §7 ({@code conf/catalog/*.conf}): the single description of every source, table,
 * column, test and exposure. Contracts, staging typing, the test job and the docs all read it from here.
 */
public final class ModelCatalog {
  public static final String RESOURCE = "conf/catalog/catalog.conf";

  private static volatile ModelCatalog instance;

  private final Map<String, SourceModel> sources;
  private final Map<String, TableModel> tables;
  private final Map<String, ExposureModel> exposures;
  private final Map<String, DataTestModel> singularTests;
  private final List<String> stateCodes;
  private final List<String> orderStatuses;

  private ModelCatalog(Config root) {
    Config c = root.getConfig("catalog");
    this.sources = read(c.getConfig("sources"), SourceModel::from);
    this.tables = read(c.getConfig("tables"), TableModel::from);
    this.exposures = read(c.getConfig("exposures"), ExposureModel::from);
    this.singularTests = read(c.getConfig("singular-tests"), DataTestModel::singular);
    this.stateCodes = c.getStringList("state-codes");
    this.orderStatuses = c.getStringList("order-statuses");
    for (DataTestModel t : dataTests()) {
      table(t.table());
    }
    for (TableModel t : tables.values()) {
      t.source().ifPresent(this::source);
    }
  }

  public static ModelCatalog get() {
    if (instance == null) {
      synchronized (ModelCatalog.class) {
        if (instance == null) {
          try {
            Config root = ConfigFactory.parseResources(ModelCatalog.class.getClassLoader(), RESOURCE,
                ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
            instance = new ModelCatalog(root);
          } catch (ConfigException e) {
            throw new OlistException("Cannot read the model catalog " + RESOURCE + ": " + e.getMessage(), e);
          }
        }
      }
    }
    return instance;
  }

  private interface Reader<T> {
    T read(String name, Config config);
  }

  private static <T> Map<String, T> read(Config section, Reader<T> reader) {
    Map<String, T> out = new LinkedHashMap<>();
    section.root().keySet().stream().sorted().forEach(name -> {
      try {
        out.put(name, reader.read(name, section.getConfig(name)));
      } catch (ConfigException e) {
        throw new OlistException("Cannot read catalog entry '" + name + "': " + e.getMessage(), e);
      }
    });
    return out;
  }

  public TableModel table(String name) {
    TableModel t = tables.get(name);
    if (t == null) {
      throw new OlistException("Cannot find table '" + name + "' in the model catalog");
    }
    return t;
  }

  public SourceModel source(String name) {
    SourceModel s = sources.get(name);
    if (s == null) {
      throw new OlistException("Cannot find source '" + name + "' in the model catalog");
    }
    return s;
  }

  public Collection<SourceModel> sources() {
    return sources.values();
  }

  public Collection<TableModel> tables() {
    return tables.values();
  }

  public List<TableModel> tablesInLayer(Layer layer) {
    return tables.values().stream().filter(t -> t.layer() == layer)
        .sorted(Comparator.comparing(TableModel::name)).collect(Collectors.toList());
  }

  public Collection<ExposureModel> exposures() {
    return exposures.values();
  }

  /** Every data test: the generic ones of each table, then the singular ones. */
  public List<DataTestModel> dataTests() {
    List<DataTestModel> all = new ArrayList<>();
    tables.values().forEach(t -> all.addAll(t.tests()));
    all.addAll(singularTests.values());
    return all;
  }

  /** The 27 Brazilian state codes (26 states and the Federal District). */
  public List<String> stateCodes() {
    return stateCodes;
  }

  public List<String> orderStatuses() {
    return orderStatuses;
  }
}
