package org.olist.marts.common.delta;

import java.util.ConcurrentModificationException;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.olist.marts.common.OlistException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Delta write that lost a race with a concurrent commit on the same table (every Delta conflict is a
 * {@link ConcurrentModificationException}) is run again, up to a number of retries, then reported in one line
 * naming the table (SPEC §10). Every write in this project is an overwrite, an append or an idempotent MERGE, so
 * running it again is safe.
 */
public final class ConflictRetry {
  private static final Logger LOG = LoggerFactory.getLogger(ConflictRetry.class);

  private ConflictRetry() {
  }

  /** {@code pause} receives the attempt number (1, 2, ...) and waits before it. */
  public static <T> T run(String table, String path, int retries, Supplier<T> write, IntConsumer pause) {
    for (int attempt = 0; ; attempt++) {
      try {
        return write.get();
      } catch (RuntimeException e) {
        ConcurrentModificationException conflict = conflict(e);
        if (conflict == null) {
          throw e;
        }
        if (attempt >= retries) {
          throw new OlistException("Cannot write " + table + " at " + path + ": another writer committed to it "
              + "during each of " + (attempt + 1) + " attempts (" + conflict.getClass().getSimpleName() + "); is a "
              + "second pipeline or a maintenance job writing this warehouse?", e);
        }
        LOG.warn("Write of {} conflicted with a concurrent commit ({}); retrying ({} of {})", table,
            conflict.getClass().getSimpleName(), attempt + 1, retries);
        pause.accept(attempt + 1);
      }
    }
  }

  private static ConcurrentModificationException conflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConcurrentModificationException c) {
        return c;
      }
    }
    return null;
  }

  /** Waits {@code attempt} seconds. */
  public static void backOff(int attempt) {
    try {
      Thread.sleep(attempt * 1000L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OlistException("Cannot retry a conflicting write: interrupted", e);
    }
  }
}
