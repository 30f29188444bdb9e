package org.olist.marts.common.job;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.olist.marts.common.OlistException;

/**
 * Runs a job's independent steps a few at a time (staging's sources, the data tests). On small data a Spark job is
 * mostly scheduling and planning latency, so overlapping a few keeps both cores busy.
 */
public final class Parallel {
  private Parallel() {
  }

  /**
   * {@code work} applied to every item, at most {@code threads} at a time; the results in the items' order. The
   * first failure in that order is thrown as it was; the steps not started yet are then cancelled.
   */
  public static <T, R> List<R> map(int threads, List<T> items, Function<T, R> work) {
    if (items.isEmpty()) {
      return List.of();
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, items.size())));
    try {
      List<Future<R>> running = new ArrayList<>();
      for (T item : items) {
        running.add(pool.submit(() -> work.apply(item)));
      }
      List<R> out = new ArrayList<>();
      for (Future<R> f : running) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          throw cause instanceof RuntimeException re ? re : new OlistException(cause.toString(), cause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new OlistException("Cannot finish the job's steps: interrupted", e);
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
