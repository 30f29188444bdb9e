package org.olist.marts.common.audit;

/** The name of one audit detail; implemented by the enum that is the one home of a writer family's keys. */
public interface DetailKey {
  /** The key in {@code audit/job_runs.details}. */
  String key();
}
