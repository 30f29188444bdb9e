package org.olist.marts.common.catalog;

import com.typesafe.config.Config;
import java.util.List;

/** A downstream consumer of the marts (a dashboard), declared for lineage. */
public record ExposureModel(String name, String label, String type, String owner, String description,
                            List<String> dependsOn) {
  static ExposureModel from(String name, Config c) {
    return new ExposureModel(name, c.getString("label"), c.getString("type"), c.getString("owner"),
        c.getString("description"), c.getStringList("depends-on"));
  }
}
