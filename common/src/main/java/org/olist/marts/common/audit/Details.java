package org.olist.marts.common.audit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a write's audit row says beyond rows, duration and version ({@code audit/job_runs.details}): one typed
 * record per writer implements it, and {@link #asMap} is the one place each is turned into the row's details.
 */
@FunctionalInterface
public interface Details {
  /** No details. */
  Details NONE = Map::of;

  /** The details, in order, keyed by their audit names. */
  Map<String, String> asMap();

  /** These details followed by {@code more}'s (a key of both takes {@code more}'s value). */
  default Details and(Details more) {
    return () -> {
      Map<String, String> out = new LinkedHashMap<>(asMap());
      out.putAll(more.asMap());
      return out;
    };
  }

  /**
   * A details map from alternating keys and values (a key is a {@link DetailKey}; a value is written with
   * {@code String.valueOf}; a null value leaves its key out), for a writer's {@link #asMap}.
   */
  static Map<String, String> of(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("Cannot build audit details: a key without a value");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      DetailKey key = (DetailKey) keysAndValues[i];
      if (keysAndValues[i + 1] != null) {
        out.put(key.key(), String.valueOf(keysAndValues[i + 1]));
      }
    }
    return out;
  }
}
