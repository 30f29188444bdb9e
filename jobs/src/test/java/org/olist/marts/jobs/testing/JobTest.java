package org.olist.marts.jobs.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class that runs jobs (a pipeline, a job's {@code run}, the local runner): it runs in {@code mvn verify}'s
 * integration-test phase, not in {@code mvn test}, which stays the quick loop of the unit tests (docs/testing.md).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(JobTest.TAG)
public @interface JobTest {
  /** The JUnit tag the build selects the tier by (jobs/pom.xml). */
  String TAG = "job";
}
