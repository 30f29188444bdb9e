package org.olist.marts.jobs.staging;

import org.olist.marts.common.OlistException;

/** The staging invariant of SPEC §3: raw rows = staged + quarantined + exact duplicates. */
public record Reconciliation(String table, long raw, long staged, long quarantined, long duplicates) {
  public boolean holds() {
    return raw == staged + quarantined + duplicates;
  }

  public void check() {
    if (!holds()) {
      throw new OlistException("Cannot reconcile " + table + ": raw rows " + raw + " != staged " + staged
          + " + quarantined " + quarantined + " + exact duplicates " + duplicates);
    }
  }
}
