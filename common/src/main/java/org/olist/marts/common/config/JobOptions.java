package org.olist.marts.common.config;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.olist.marts.common.OlistException;

/**
 * Command-line options every job accepts, mapped onto configuration keys. Job-specific options (the data
 * generator's {@code --scale}, say) are accepted only when the job declares them.
 */
public final class JobOptions {
  private static final Map<String, String> VALUE_OPTIONS = Map.of(
      "--input", OlistConfig.INPUT,
      "--warehouse", OlistConfig.WAREHOUSE,
      "--run-id", OlistConfig.RUN_ID,
      "--from", OlistConfig.BACKFILL_FROM,
      "--to", OlistConfig.BACKFILL_TO,
      "--master", OlistConfig.SPARK_MASTER);

  private final String confFile;
  private final Map<String, Object> overrides;
  private final Map<String, String> extra;

  private JobOptions(String confFile, Map<String, Object> overrides, Map<String, String> extra) {
    this.confFile = confFile;
    this.overrides = overrides;
    this.extra = extra;
  }

  public static JobOptions parse(String[] args, Set<String> extraOptions) {
    String confFile = null;
    Map<String, Object> overrides = new LinkedHashMap<>();
    Map<String, String> extra = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--full-refresh")) {
        overrides.put(OlistConfig.FULL_REFRESH, true);
        continue;
      }
      if (!arg.startsWith("--")) {
        throw new OlistException("Cannot parse arguments: unexpected '" + arg + "'");
      }
      if (i + 1 >= args.length) {
        throw new OlistException("Cannot parse arguments: option " + arg + " needs a value");
      }
      String value = args[++i];
      if (arg.equals("--conf")) {
        confFile = value;
      } else if (arg.equals("--set")) {
        int eq = value.indexOf('=');
        if (eq <= 0) {
          throw new OlistException("Cannot parse arguments: --set expects key=value, got '" + value + "'");
        }
        overrides.put(value.substring(0, eq).trim(), value.substring(eq + 1).trim());
      } else if (VALUE_OPTIONS.containsKey(arg)) {
        overrides.put(VALUE_OPTIONS.get(arg), value);
      } else if (extraOptions.contains(arg)) {
        extra.put(arg, value);
      } else {
        throw new OlistException("Cannot parse arguments: unknown option '" + arg + "'");
      }
    }
    return new JobOptions(confFile, overrides, extra);
  }

  public OlistConfig toConfig() {
    return OlistConfig.load(confFile, overrides);
  }

  /** A job-specific option the job cannot run without; {@code what} says what it names, for the error. */
  public String required(String option, String what) {
    String value = extra.get(option);
    if (value == null || value.isBlank()) {
      throw new OlistException("Cannot parse arguments: " + option + " " + what + " is required");
    }
    return value;
  }

  public String text(String option, String fallback) {
    return extra.getOrDefault(option, fallback);
  }

  public double decimal(String option, double fallback) {
    return typed(option, fallback, Double::parseDouble, "a number");
  }

  public long integer(String option, long fallback) {
    return typed(option, fallback, Long::parseLong, "a whole number");
  }

  public Optional<LocalDate> date(String option) {
    return Optional.ofNullable(typed(option, null, LocalDate::parse, "a date (yyyy-MM-dd)"));
  }

  private <T> T typed(String option, T fallback, Function<String, T> parser, String expected) {
    String value = extra.get(option);
    if (value == null) {
      return fallback;
    }
    try {
      return parser.apply(value.trim());
    } catch (RuntimeException e) {
      throw new OlistException("Cannot parse arguments: " + option + " expects " + expected + ", got '" + value
          + "'");
    }
  }
}
