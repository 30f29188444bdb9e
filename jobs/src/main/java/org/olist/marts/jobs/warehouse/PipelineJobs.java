package org.olist.marts.jobs.warehouse;

import java.util.List;

/**
 * The jobs of the default pipeline, in order (SPEC §3): what scripts/run-pipeline.sh runs without {@code --jobs},
 * and what a run must have contained for the status job to move the engineering clock (SPEC §6).
 */
public final class PipelineJobs {
  public static final String STAGING = "staging";
  public static final String INTERMEDIATE = "intermediate";
  public static final String MARTS = "marts";
  public static final String RLS = "rls";
  public static final String TEST = "test";
  public static final String STATUS = "status";
  public static final List<String> DEFAULT = List.of(STAGING, INTERMEDIATE, MARTS, RLS, TEST, STATUS);

  private PipelineJobs() {
  }
}
