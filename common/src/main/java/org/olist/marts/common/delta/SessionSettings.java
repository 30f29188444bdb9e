package org.olist.marts.common.delta;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/** Session settings a Delta operation needs for one call only, put back as they were afterwards. */
final class SessionSettings {
  private SessionSettings() {
  }

  static <T> T during(SparkSession spark, Map<String, String> settings, Supplier<T> operation) {
    Map<String, Optional<String>> before = new LinkedHashMap<>();
    settings.forEach((k, v) -> {
      before.put(k, spark.conf().getOption(k).isDefined() ? Optional.of(spark.conf().get(k)) : Optional.empty());
      spark.conf().set(k, v);
    });
    try {
      return operation.get();
    } finally {
      before.forEach((k, v) -> {
        if (v.isPresent()) {
          spark.conf().set(k, v.get());
        } else {
          spark.conf().unset(k);
        }
      });
    }
  }
}
