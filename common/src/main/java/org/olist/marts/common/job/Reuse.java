package org.olist.marts.common.job;

import java.util.Optional;
import org.olist.marts.common.audit.Details;
import org.olist.marts.common.audit.PublishedVersions.Published;
import org.olist.marts.common.audit.RunDetail;

/**
 * Whether a table is kept at its published version ({@link JobContext#reuse}): kept when it was built from the same
 * inputs; otherwise built, and the reason goes with its audit row (a first run, a full refresh, which inputs
 * changed, a version written since), so a rebuild is never silent.
 *
 * @param kept the published version kept; empty when the table is built
 * @param reason why the table is built; empty when kept
 * @param changedSince the published version when it is built only because its inputs' versions changed (same rules,
 *     same code, still the table's latest version): what changed in them since is all that changed ({@link
 *     JobContext#changesSince}); empty otherwise
 */
public record Reuse(Optional<Published> kept, Inputs inputs, String reason, Optional<Published> changedSince) {
  static Reuse keep(Published published, Inputs inputs) {
    return new Reuse(Optional.of(published), inputs, "", Optional.empty());
  }

  static Reuse build(Inputs inputs, String reason) {
    return new Reuse(Optional.empty(), inputs, reason, Optional.empty());
  }

  static Reuse buildFromChanges(Inputs inputs, String reason, Published since) {
    return new Reuse(Optional.empty(), inputs, reason, Optional.of(since));
  }

  /** This decision for a table that is built for {@code why} all the same (a table built with it was not kept). */
  public Reuse buildFor(String why) {
    return build(inputs, why);
  }

  /** The details a build records: its inputs and why it was built. */
  public Details details() {
    return inputs.and(() -> Details.of(RunDetail.BUILT_BECAUSE, reason));
  }
}
